using Akka.Actor;
using Akka.Routing;

namespace ActorPool.Internal;

/// <summary>
/// The front door: one state machine over plain parts. It takes requests (<see cref="RequestIntake"/>), splits them
/// into chunks (<see cref="ChunkSizing"/>), deals them to workers with credits, requests taking turns
/// (<see cref="DispatchScheduler{TRequest}"/>, <see cref="ApplyBatcher"/>), knows which chunk is at which worker
/// (<see cref="WorkerSlots"/>, <see cref="PendingRequest"/>) so a lost worker's chunks go out again, and fails calls
/// that find no worker at all (<see cref="NoWorkersWatchdog"/>). A request of several chunks is assembled by an
/// <see cref="Aggregator"/>; one of a single chunk (every apply) by the router itself, with the same
/// <see cref="ResultAssembler"/>.
/// <list type="bullet">
/// <item><see cref="Open"/>: takes every request.</item>
/// <item><see cref="Closed"/>: takes only the rest of calls accepted before <c>Close</c>; outstanding work finishes.</item>
/// <item><see cref="Terminated"/>: every outstanding call has failed and the workers are stopping; takes nothing.</item>
/// </list>
/// The router never restarts: a request it cannot take fails alone. Dealing is in <c>PoolRouter.Dispatch.cs</c>, the
/// workers coming and going in <c>PoolRouter.Workers.cs</c>.
/// </summary>
internal sealed partial class PoolRouter : ReceiveActor, IWithTimers
{
    /// <summary>Times a chunk may be sent when each run crashes its worker outside user code.</summary>
    private const int MaxAttempts = 3;

    private readonly RouterSetup _setup;
    private readonly WorkerSlots _workers = new();
    private readonly Dictionary<long, PendingRequest> _requests = [];
    private readonly DispatchScheduler<PendingRequest> _scheduler;
    private readonly NoWorkersWatchdog _watchdog;
    private readonly Transport _transport;
    private readonly ChunkEvents _events;
    private readonly RouterMetrics _metrics;
    private readonly string _node;
    private IActorRef _workerPool = ActorRefs.Nobody;
    private long _nextKey;

    public PoolRouter(RouterSetup setup)
    {
        _setup = setup;
        _scheduler = new DispatchScheduler<PendingRequest>(setup.Settings.ChunksInFlightPerWorker);
        _watchdog = new NoWorkersWatchdog(setup.Settings.NoWorkersTimeout);
        _transport = Transport.Of(Context.System);
        _events = new ChunkEvents(Context.System, setup.Settings.PublishChunkEvents);
        _metrics = new RouterMetrics(Self.Path.Name);
        _node = ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString();
        Open();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private DateTimeOffset Now => Context.System.Scheduler.Now;

    protected override void PreStart()
    {
        _workerPool = Context.ActorOf(_setup.WorkerPool, "workers");
        _workerPool.Tell(GetRoutees.Instance);
        Timers.StartPeriodicTimer(nameof(RefreshRoutees), RefreshRoutees.Instance, _setup.Settings.RouteeRefreshInterval);
    }

    /// <summary>Should the router itself fail, no caller is left waiting: every outstanding request fails now.</summary>
    protected override void PreRestart(Exception reason, object message)
    {
        foreach (var request in _requests.Values)
        {
            Reply(request.Info.ReplyTo, new Status.Failure(new PoolException(
                $"The pool's router failed while the call to '{request.Info.Function}' was running: {reason.Message}", reason), request.Info.RequestId));
        }

        base.PreRestart(reason, message);
    }

    /// <summary>Takes every request.</summary>
    private void Open()
    {
        Receive<Submit>(submit => Take(submit, Sender, fromFacade: true));
        Receive<Map>(map => Take(RequestIntake.From(map, Sender), Sender, fromFacade: false));
        Receive<Apply>(apply => Take(RequestIntake.From(apply, Sender), Sender, fromFacade: false));
        Receive<ClosePool>(_ => Become(Closed));
        Running();
    }

    /// <summary>Takes only the later parts of calls admitted before <c>Close</c> (an <c>Imap</c>'s next segments); refuses the rest.</summary>
    private void Closed()
    {
        Receive<Submit>(submit => submit.AdmittedBeforeClose, submit => Take(submit, Sender, fromFacade: true));
        Receive<Submit>(submit => Refuse(submit.ReplyTo, submit.RequestId, "The pool has been closed; it accepts no more work."));
        Receive<Map>(map => Refuse(map.ReplyTo ?? Sender, map.RequestId, "The pool has been closed; it accepts no more work."));
        Receive<Apply>(apply => Refuse(apply.ReplyTo ?? Sender, apply.RequestId, "The pool has been closed; it accepts no more work."));
        Receive<ClosePool>(_ => { });
        Running();
    }

    /// <summary>Every call has failed and the workers are stopping: refuses everything, drops late results.</summary>
    private void Terminated()
    {
        Receive<Submit>(submit => Refuse(submit.ReplyTo, submit.RequestId, "The pool has been terminated; it accepts no more work."));
        Receive<Map>(map => Refuse(map.ReplyTo ?? Sender, map.RequestId, "The pool has been terminated; it accepts no more work."));
        Receive<Apply>(apply => Refuse(apply.ReplyTo ?? Sender, apply.RequestId, "The pool has been terminated; it accepts no more work."));
        Receive<CountWorkers>(_ => Sender.Tell(new WorkerCount(0)));
        Receive<Rejected>(rejected => Reply(rejected.ReplyTo ?? Sender, new Status.Failure(rejected.Reason, rejected.RequestId)));
        ReceiveAny(_ => { });
    }

    /// <summary>What an open or closed router does besides taking requests.</summary>
    private void Running()
    {
        Receive<Rejected>(rejected => Reply(rejected.ReplyTo ?? Sender, new Status.Failure(rejected.Reason, rejected.RequestId)));
        Receive<ChunkResult>(result => Returned(result.RequestKey, result.Index, result, finished: result.Last));
        Receive<ChunkFailed>(failed => Returned(failed.RequestKey, failed.Index, failed, finished: true));
        Receive<BatchResult>(Returned);
        Receive<Routees>(routees => Found(routees.Members.OfType<ActorRefRoutee>().Select(r => new FoundWorker(r.Actor, null)).ToArray()));
        Receive<WorkersFound>(found => Found(found.Workers));
        Receive<RefreshRoutees>(_ => _workerPool.Tell(GetRoutees.Instance));
        Receive<Akka.Actor.Terminated>(t => Lost(t.ActorRef, "the worker stopped or its node left"));
        // An aggregator that is done may have timed out or failed with chunks still out.
        Receive<RequestDone>(done => Forget(done.RequestKey, abandoned: true, done.TimedOut));
        Receive<RequestDeadline>(deadline =>
        {
            if (_requests.TryGetValue(deadline.Key, out var request))
            {
                Finish(request, null, request.Results!.TimedOut(), abandoned: true, timedOut: true);
            }
        });
        Receive<WorkerCrashed>(Crashed);
        Receive<CancelRequest>(cancel => Cancel(cancel.RequestId, Sender));
        Receive<NoWorkersCheck>(_ => FailIfNoWorkers());
        Receive<CountWorkers>(_ => Sender.Tell(new WorkerCount(_workers.Count)));
        Receive<TerminatePool>(_ => Terminate());
    }

    /// <summary>A request the router cannot take fails alone: the router must never restart, or every other call would be lost.</summary>
    private void Take(Submit submit, IActorRef submitter, bool fromFacade)
    {
        try
        {
            Admit(submit, submitter, fromFacade);
        }
        catch (Exception ex)
        {
            Reply(submit.ReplyTo, new Status.Failure(ex, submit.RequestId));
        }
    }

    private void Admit(Submit submit, IActorRef submitter, bool fromFacade)
    {
        var arguments = RequestIntake.Arguments(submit, _node, out var function);
        if (arguments.Length == 0)
        {
            Reply(submit.ReplyTo, submit.Mode == ReplyMode.Single
                ? new Status.Failure(new ArgumentException("An apply needs its arguments."), submit.RequestId)
                : new MapResult(submit.RequestId, Array.Empty<object?>()));
            return;
        }

        var size = submit.ChunkSize ?? _setup.DefaultChunkSize ?? ChunkSizing.Default(arguments.Length,
            _workers.Count > 0 ? _workers.Count : _setup.ExpectedWorkers, _workers.AnyRemote ? _transport.BytesPerItem(arguments) : null, _transport.Budget);
        var info = new RequestInfo(++_nextKey, submit.RequestId, submit.ReplyTo, submit.Mode, submit.Function, arguments.Length, size,
            submit.Timeout ?? _setup.DefaultTimeout) { FromFacade = fromFacade, ReportsProgress = submit.ReportProgress };
        if (submit.Mode == ReplyMode.Whole && info.ChunkCount > 1 && function is not null)
        {
            info = info with { Destination = Array.CreateInstance(function.ResultType, arguments.Length) };
        }

        // A request of one chunk (every apply, small maps) needs no reassembly actor: the router answers it itself,
        // saving an actor and three messages per call.
        var direct = info.ChunkCount == 1 && submit.Mode is ReplyMode.Single or ReplyMode.Whole;
        var aggregator = direct ? null : Context.ActorOf(Props.Create(() => new Aggregator(info)), $"request-{info.Key}");
        var request = new PendingRequest(info, arguments, submit.LocalFunction ?? function, aggregator, submitter, Now)
        {
            // The facade matches replies by id and takes the first, so its one-chunk calls may be answered by the
            // worker itself; a call that came as the public protocol keeps exactly one answer, from here.
            AnsweredByWorker = direct && fromFacade && !info.ReportsProgress && !_transport.IsRemote(info.ReplyTo),
            Progress = direct && info.ReportsProgress ? new ProgressCounter(info, Context.System.Scheduler.MonotonicClock) : null,
        };
        if (direct)
        {
            Replies.Accepted(info, Self, _transport);
            if (info.Timeout is { } deadline)
            {
                Timers.StartSingleTimer(("deadline", info.Key), new RequestDeadline(info.Key), deadline);
            }
        }

        _requests.Add(info.Key, request);
        _metrics.Submitted(arguments.Length);
        _scheduler.Enqueue(request);
        if (_workers.Count == 0)
        {
            ExpectWorkers();
        }

        Deal();
    }

    private void Returned(long key, int index, object reply, bool finished)
    {
        _requests.TryGetValue(key, out var request);
        if (finished && _workers.Find(Sender) is { } worker && worker.InFlight.Remove((key, index), out var sentAt))
        {
            Answered(worker);
            _metrics.Answered(sentAt, request?.Info.ChunkLength(index) ?? 0, reply is ChunkFailed);
        }

        if (request is not null)
        {
            if (finished && _events.Enabled)
            {
                _events.Completed(request.Info, index, reply is ChunkFailed failed ? failed.Attempt : ((ChunkResult)reply).Attempt, Sender, reply is ChunkFailed);
            }

            if (reply is ChunkResult { Answered: true })
            {
                Forget(key);
            }
            else if (request.Aggregator is { } aggregator)
            {
                aggregator.Forward(reply);
            }
            else if (request.Results!.Add(reply) >= 0)
            {
                request.Progress?.Finished(index, reply is ChunkFailed);
                var results = request.Results;
                Finish(request, results.Failure is null ? results.Values() : null, results.Failure);
            }
        }

        Deal();
    }

    /// <summary>
    /// Notes the worker that answered last, for the scheduler to deal it the next call while it is idle: only in a
    /// pool that owns its workers. A cluster's workers are shared with other routers, which this one cannot see.
    /// </summary>
    private void Answered(WorkerSlot worker)
    {
        if (_workers.AllRunAnything)
        {
            _scheduler.Answered(worker);
        }
    }

    /// <summary>A batch's results: each member is a one-item request of its own.</summary>
    private void Returned(BatchResult result)
    {
        var worker = _workers.Find(Sender);
        var failures = result.Failures.Count == 0 ? null : result.Failures.ToDictionary(f => f.Index, f => f.Failure);
        for (var i = 0; i < result.Keys.Length; i++)
        {
            if (worker is not null && worker.InFlight.Remove((result.Keys[i], 0), out var sentAt))
            {
                _metrics.Answered(sentAt, 1, failures?.ContainsKey(i) == true);
            }

            if (_requests.TryGetValue(result.Keys[i], out var request) && request.AttemptOf(0) == result.Attempts[i])
            {
                _events.Completed(request.Info, 0, result.Attempts[i], Sender, failures?.ContainsKey(i) == true);
                if (failures is not null && failures.TryGetValue(i, out var failure))
                {
                    Finish(request, null, failure.ToException(0));
                }
                else
                {
                    Replies.Answer(request.Info, result.Values, null, _transport, i);
                    Forget(request.Info.Key);
                }
            }
        }

        if (worker is not null)
        {
            Answered(worker);
        }

        Deal();
    }

    private void Cancel(long requestId, IActorRef submitter)
    {
        foreach (var request in _requests.Values.Where(r => r.Info.RequestId == requestId && r.Submitter.Equals(submitter)).ToList())
        {
            Abort(request, new OperationCanceledException($"The call to '{request.Info.Function}' was cancelled."));
        }
    }

    /// <summary>Ends a request with a failure: through its aggregator, or directly.</summary>
    private void Abort(PendingRequest request, Exception failure)
    {
        if (request.Aggregator is { } aggregator)
        {
            aggregator.Tell(new AbortRequest(failure));
            if (failure is OperationCanceledException or PoolClosedException)
            {
                Forget(request.Info.Key, abandoned: true);
            }
        }
        else
        {
            Finish(request, null, failure, abandoned: true);
        }
    }

    private void Finish(PendingRequest request, Array? values, Exception? failure, bool abandoned = false, bool timedOut = false)
    {
        if (request.Progress?.Report(Context.System.Scheduler.MonotonicClock, final: true) is { } progress)
        {
            Reply(request.Info.ReplyTo, progress);
        }

        Replies.Answer(request.Info, values, failure, _transport);
        Forget(request.Info.Key, abandoned, timedOut);
    }

    /// <summary>
    /// Drops a request; one <paramref name="abandoned"/> may have chunks out, whose workers are told to cancel them.
    /// One that <paramref name="timedOut"/> may hold workers stuck inside its calls: their hosts replace them.
    /// </summary>
    private void Forget(long key, bool abandoned = false, bool timedOut = false)
    {
        if (!_requests.Remove(key, out var request))
        {
            return;
        }

        _scheduler.Remove(request);
        if (request.Aggregator is null && request.Info.Timeout is not null)
        {
            Timers.Cancel(("deadline", key));
        }

        // Chunks still out belong to nobody now: their workers cancel the token their async calls were given. A request
        // that ended normally has none out, so the walk stays off the hot path.
        foreach (var worker in abandoned ? _workers.All : [])
        {
            if (worker.Holds(key, request.Info.ChunkCount))
            {
                _transport.Send(worker.Ref, new CancelWork(key), Self);
                if (timedOut)
                {
                    // The worker itself cannot read its mailbox while its thread is stuck: its host decides.
                    Context.ActorSelection(worker.Ref.Path.Parent).Tell(new AbandonStuck(worker.Ref, key), Self);
                }
            }
        }
    }

    private void Refuse(IActorRef replyTo, long requestId, string why) => Reply(replyTo, new Status.Failure(new PoolClosedException(why), requestId));

    /// <summary>Replies that need no fallback: a failure (small, always sendable) or an empty result.</summary>
    private void Reply(IActorRef replyTo, object message)
    {
        try
        {
            _transport.Send(replyTo, message);
        }
        catch (PoolException)
        {
            // Cannot happen for a failure or an empty result; a router must not die of it if it does.
        }
    }

    /// <summary>Chunks still at workers when the router stops will never be answered here: out of the in-flight count.</summary>
    protected override void PostStop() => _metrics.Dropped(_workers.All.Sum(w => w.InFlight.Count));

    private void Terminate()
    {
        foreach (var request in _requests.Values.ToList())
        {
            Abort(request, new PoolClosedException($"The pool was terminated before the call to '{request.Info.Function}' finished."));
        }

        Timers.Cancel(nameof(RefreshRoutees));
        Timers.Cancel(nameof(NoWorkersCheck));
        Context.Stop(_workerPool);
        Become(Terminated);
    }

    private sealed class RefreshRoutees
    {
        public static readonly RefreshRoutees Instance = new();
    }

    private sealed record RequestDeadline(long Key);

    private sealed class NoWorkersCheck
    {
        public static readonly NoWorkersCheck Instance = new();
    }
}
