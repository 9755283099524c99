using Akka.Actor;
using Akka.Routing;

namespace ActorPool.Internal;

/// <summary>How a router gets its workers and what it tells them.</summary>
/// <param name="WorkerPool">Props of the worker pool: a round-robin pool, or a cluster-aware one from HOCON.</param>
/// <param name="ExpectedWorkers">Workers to size default chunks by before the routees are known.</param>
/// <param name="DefaultChunkSize">Chunk size when a request names none; null for CPython's rule.</param>
/// <param name="DefaultTimeout">Deadline when a request names none.</param>
/// <param name="Settings">The <c>actorpool</c> settings.</param>
/// <param name="MaxBatch">Most one-item requests dealt to a worker as one batch; 1 turns batching off (MaxTasksPerChild counts single tasks).</param>
internal sealed record RouterSetup(Props WorkerPool, int ExpectedWorkers, int? DefaultChunkSize, TimeSpan? DefaultTimeout, PoolSettings Settings, int MaxBatch);

/// <summary>
/// The front door. Validates requests, splits a map into chunks, starts one <see cref="Aggregator"/> per
/// request and deals chunks round-robin to its routees, a few at a time per worker, taking requests in turn so
/// that none waits behind another's backlog. It knows which chunk is at which worker: when a worker dies its
/// chunks go out again, and when no worker is left at all, calls fail instead of waiting forever.
/// </summary>
internal sealed class PoolRouter : ReceiveActor, IWithTimers
{
    private readonly RouterSetup _setup;
    private readonly List<WorkerSlot> _slots = [];
    private readonly Dictionary<IActorRef, WorkerSlot> _slotsByRef = [];
    private readonly Dictionary<long, Request> _requests = [];
    private readonly LinkedList<Request> _rotation = new();
    private readonly string _node;
    private IActorRef _workers = ActorRefs.Nobody;
    private long _nextKey;
    private int _nextSlot;
    private bool _closed;
    private bool _terminated;

    public PoolRouter(RouterSetup setup)
    {
        _setup = setup;
        _node = ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString();

        Receive<Map>(map => SubmitSafely(map.Function, map.Items, map.LocalFunction, map.ChunkSize, map.Mode, map.RequestId, map.ReplyTo, map.Timeout,
            map.AdmittedBeforeClose));
        Receive<Apply>(apply => SubmitSafely(apply.Function, [apply.Arguments.Count == 1 ? apply.Arguments[0] : apply.Arguments.ToArray()],
            null, 1, ReplyMode.Single, apply.RequestId, apply.ReplyTo, apply.Timeout, admitted: false));
        Receive<ChunkResult>(result => Returned(result.RequestKey, result.Index, result));
        Receive<ChunkFailed>(failed => Returned(failed.RequestKey, failed.Index, failed));
        Receive<BatchResult>(OnBatchResult);
        Receive<Routees>(OnRoutees);
        Receive<RefreshRoutees>(_ => _workers.Tell(GetRoutees.Instance));
        Receive<Terminated>(t => WorkerLost(t.ActorRef));
        Receive<RequestDone>(done => Forget(done.RequestKey));
        Receive<RequestDeadline>(deadline =>
        {
            if (_requests.TryGetValue(deadline.Key, out var request))
            {
                Abort(request, new TimeoutException($"The call to '{request.Info.Function}' did not finish within {request.Info.Timeout}."));
            }
        });
        Receive<CancelRequest>(cancel => Cancel(cancel.RequestId, Sender));
        Receive<NoWorkersCheck>(_ => FailIfNoWorkers());
        Receive<ClosePool>(_ => _closed = true);
        Receive<CountWorkers>(_ => Sender.Tell(new WorkerCount(_slots.Count)));
        Receive<TerminatePool>(_ => Terminate());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        _workers = Context.ActorOf(_setup.WorkerPool, "workers");
        _workers.Tell(GetRoutees.Instance);
        Timers.StartPeriodicTimer(nameof(RefreshRoutees), RefreshRoutees.Instance, _setup.Settings.RouteeRefreshInterval);
    }

    /// <summary>Should the router itself fail, no caller is left waiting: every outstanding request fails now.</summary>
    protected override void PreRestart(Exception reason, object message)
    {
        foreach (var request in _requests.Values)
        {
            request.Info.ReplyTo.Tell(new Status.Failure(new InvalidOperationException(
                $"The pool's router failed while the call to '{request.Info.Function}' was running: {reason.Message}", reason), request.Info.RequestId));
        }

        base.PreRestart(reason, message);
    }

    /// <summary>A request the router cannot take fails alone: the router must never restart, or every other call would be lost.</summary>
    private void SubmitSafely(string function, IReadOnlyList<object?> items, FunctionInvoker? local, int? chunkSize,
        ReplyMode mode, long requestId, IActorRef? replyTo, TimeSpan? timeout, bool admitted)
    {
        try
        {
            Submit(function, items, local, chunkSize, mode, requestId, replyTo, timeout, admitted);
        }
        catch (Exception ex)
        {
            (replyTo ?? Sender).Tell(new Status.Failure(ex, requestId));
        }
    }

    private void Submit(string function, IReadOnlyList<object?> items, FunctionInvoker? local, int? chunkSize,
        ReplyMode mode, long requestId, IActorRef? replyTo, TimeSpan? timeout, bool admitted)
    {
        var reply = replyTo ?? Sender;
        if (_terminated || (_closed && !admitted))
        {
            reply.Tell(new Status.Failure(new PoolClosedException(_terminated
                ? "The pool has been terminated; it accepts no more work."
                : "The pool has been closed; it accepts no more work."), requestId));
            return;
        }

        Array arguments;
        try
        {
            if (chunkSize < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(Map.ChunkSize), chunkSize, "The chunk size must be at least 1.");
            }

            arguments = ToArguments(function, items, local);
        }
        catch (Exception ex) when (ex is ArgumentException or PoolFunctionException)
        {
            reply.Tell(new Status.Failure(ex, requestId));
            return;
        }

        if (arguments.Length == 0)
        {
            reply.Tell(new MapResult(requestId, Array.Empty<object?>()));
            return;
        }

        var size = chunkSize ?? _setup.DefaultChunkSize ?? DefaultChunkSize(arguments);
        var info = new RequestInfo(++_nextKey, requestId, reply, mode, function, arguments.Length, size, timeout ?? _setup.DefaultTimeout);
        if (mode == ReplyMode.Whole && info.ChunkCount > 1 && (local ?? TryResolve(function)) is { } known)
        {
            info = info with { Destination = Array.CreateInstance(known.ResultType, arguments.Length) };
        }

        // A request of one chunk (every apply, small maps) needs no reassembly: the router answers it itself,
        // saving an actor and three messages per call.
        var direct = info.ChunkCount == 1 && mode is ReplyMode.Single or ReplyMode.Whole;
        var aggregator = direct ? null : Context.ActorOf(Props.Create(() => new Aggregator(info)), $"request-{info.Key}");
        var request = new Request(info, arguments, local, aggregator, Sender);
        if (direct)
        {
            Replies.Accepted(info, Self, Context.System);
            if (info.Timeout is { } deadline)
            {
                Timers.StartSingleTimer(("deadline", info.Key), new RequestDeadline(info.Key), deadline);
            }
        }

        _requests.Add(info.Key, request);
        _rotation.AddLast(request.Node);
        if (_slots.Count == 0)
        {
            ExpectWorkers();
        }

        Pump();
    }

    /// <summary>The items as this function's typed argument array when the function is known here; as they are otherwise.</summary>
    private Array ToArguments(string function, IReadOnlyList<object?> items, FunctionInvoker? local)
    {
        if (items is ITypedItems typed && typed.Array is not object?[])
        {
            return typed.Array;
        }

        var invoker = local ?? (FunctionRegistry.Count > 0 ? TryResolve(function) : null);
        return invoker is not null ? invoker.ToArguments(items) : items.ToArray();
    }

    private FunctionInvoker? TryResolve(string function)
    {
        try
        {
            return FunctionRegistry.Resolve(function, _node);
        }
        catch (PoolFunctionException)
        {
            // Not known on this node: the workers' nodes decide, and convert the items themselves.
            return null;
        }
    }

    private int DefaultChunkSize(Array arguments)
    {
        // CPython: chunksize, extra = divmod(len(iterable), len(pool) * 4); chunksize += bool(extra).
        var workers = Math.Max(1, _slots.Count > 0 ? _slots.Count : _setup.ExpectedWorkers) * 4;
        var size = Math.Max(1, (arguments.Length + workers - 1) / workers);
        if (_slots.Exists(s => s.IsRemote))
        {
            // Chunks for other nodes stay well under the frame size: Akka drops larger messages silently.
            var fit = (int)Math.Max(1, _setup.Settings.MaxRemotePayloadBytes / 2 / Remoting.BytesPerItem(arguments));
            size = Math.Min(size, fit);
        }

        return size;
    }

    /// <summary>Deals pending chunks to workers with room, round-robin over workers, taking requests in turn.</summary>
    private void Pump()
    {
        while (_rotation.First is { } node)
        {
            var slot = NextFreeSlot();
            if (slot is null)
            {
                return;
            }

            var request = node.Value;
            _rotation.RemoveFirst();
            if (!request.TryTake(out var index, out var attempt))
            {
                continue;
            }

            if (request.Local is { IsLocalOnly: true } && slot.IsRemote)
            {
                Abort(request, new PoolFunctionException(request.Local.Name,
                    $"'{request.Local.Name}' is a lambda or closure, which can only run in this process, but worker {slot.Ref.Path} is on another node. " +
                    "Pass a public static method marked [PoolFunction] instead."));
                continue;
            }

            if (request.IsBatchable && _setup.MaxBatch > 1 && _rotation.First is not null && TrySendBatch(slot, request, attempt))
            {
                continue;
            }

            var info = request.Info;
            var offset = index * info.ChunkSize;
            var chunk = new Chunk(info.Key, index, attempt, info.Function, request.Arguments, offset, info.ChunkLength(index))
            {
                LocalFunction = request.Local,
                Destination = slot.IsRemote ? null : info.Destination,
            };
            if (slot.IsRemote && !TryEncode(request, ref chunk))
            {
                continue;
            }

            slot.Ref.Tell(chunk);
            slot.InFlight.Add((info.Key, index));
            if (request.HasPending)
            {
                _rotation.AddLast(node);
            }
        }
    }

    /// <summary>
    /// Deals a burst of one-item requests of the same function (typically applies) to one worker as one batch: a
    /// fair share of what is waiting, so a thousand applies in flight cost a few messages, not thousands.
    /// </summary>
    private bool TrySendBatch(WorkerSlot slot, Request first, int firstAttempt)
    {
        var limit = Math.Min(_setup.MaxBatch, Math.Max(1, (_rotation.Count + 1) / Math.Max(1, _slots.Count)));
        if (slot.IsRemote)
        {
            // A batch for another node stays well under the frame size, like a chunk.
            limit = (int)Math.Min(limit, Math.Max(1, _setup.Settings.MaxRemotePayloadBytes / 2 / Remoting.BytesPerItem(first.Arguments)));
        }

        var members = new List<(Request Request, int Attempt)> { (first, firstAttempt) };
        for (var node = _rotation.First; node is not null && members.Count < limit;)
        {
            var next = node.Next;
            var candidate = node.Value;
            if (candidate.IsBatchable && candidate.Info.Function == first.Info.Function && ReferenceEquals(candidate.Local, first.Local)
                && candidate.Arguments.GetType() == first.Arguments.GetType() && candidate.TryTake(out _, out var attempt))
            {
                members.Add((candidate, attempt));
                _rotation.Remove(node);
            }

            node = next;
        }

        if (members.Count == 1)
        {
            return false;
        }

        var items = Array.CreateInstance(first.Arguments.GetType().GetElementType()!, members.Count);
        for (var i = 0; i < members.Count; i++)
        {
            Array.Copy(members[i].Request.Arguments, 0, items, i, 1);
        }

        var batch = new Batch(first.Info.Function, members.Select(m => m.Request.Info.Key).ToArray(), members.Select(m => m.Attempt).ToArray(), items)
        {
            LocalFunction = first.Local,
        };
        if (slot.IsRemote)
        {
            try
            {
                var encoded = Remoting.Encode(items, 0, items.Length);
                if (encoded.Length > _setup.Settings.MaxRemotePayloadBytes)
                {
                    throw new NotSupportedException(
                        $"A batch of {members.Count} calls of '{first.Info.Function}' takes {encoded.Length:N0} bytes, more than actorpool.max-remote-payload-bytes " +
                        $"({_setup.Settings.MaxRemotePayloadBytes:N0}): its arguments are too large to send to another node.");
                }

                batch = batch with { EncodedItems = encoded };
            }
            catch (NotSupportedException ex)
            {
                members.ForEach(m => Abort(m.Request, ex));
                return true;
            }
        }

        slot.Ref.Tell(batch);
        members.ForEach(m => slot.InFlight.Add((m.Request.Info.Key, 0)));
        return true;
    }

    private void OnBatchResult(BatchResult result)
    {
        var slot = _slotsByRef.GetValueOrDefault(Sender);
        var failures = result.Failures.ToDictionary(f => f.Index, f => f.Failure);
        for (var i = 0; i < result.Keys.Length; i++)
        {
            slot?.InFlight.Remove((result.Keys[i], 0));
            if (_requests.TryGetValue(result.Keys[i], out var request) && request.AttemptOf(0) == result.Attempts[i])
            {
                if (failures.TryGetValue(i, out var failure))
                {
                    Finish(request, null, failure.ToException(0));
                }
                else
                {
                    Replies.Answer(request.Info, result.Values, null, Context.System, i);
                    Forget(request.Info.Key);
                }
            }
        }

        Pump();
    }

    /// <summary>Encodes a chunk bound for another node here, so a value that cannot cross or a chunk too large fails its call clearly.</summary>
    private bool TryEncode(Request request, ref Chunk chunk)
    {
        try
        {
            var encoded = Remoting.Encode(chunk.Items, chunk.Offset, chunk.Count);
            if (encoded.Length > _setup.Settings.MaxRemotePayloadBytes)
            {
                throw new NotSupportedException(
                    $"A chunk of {chunk.Count} items of '{chunk.Function}' takes {encoded.Length:N0} bytes, more than actorpool.max-remote-payload-bytes " +
                    $"({_setup.Settings.MaxRemotePayloadBytes:N0}). Use a smaller chunk size, or raise that setting together with akka.remote.dot-netty.tcp.maximum-frame-size.");
            }

            chunk = chunk with { EncodedItems = encoded };
            return true;
        }
        catch (NotSupportedException ex)
        {
            Abort(request, ex);
            return false;
        }
    }

    private WorkerSlot? NextFreeSlot()
    {
        for (var i = 0; i < _slots.Count; i++)
        {
            var slot = _slots[(_nextSlot + i) % _slots.Count];
            if (slot.InFlight.Count < _setup.Settings.ChunksInFlightPerWorker)
            {
                _nextSlot = (_nextSlot + i + 1) % _slots.Count;
                return slot;
            }
        }

        return null;
    }

    private void Returned(long key, int index, object reply)
    {
        if (_slotsByRef.TryGetValue(Sender, out var slot) && reply is not ChunkResult { Last: false })
        {
            slot.InFlight.Remove((key, index));
        }

        if (_requests.TryGetValue(key, out var request))
        {
            if (request.Aggregator is { } aggregator)
            {
                aggregator.Forward(reply);
            }
            else
            {
                AnswerDirectly(request, reply);
            }
        }

        Pump();
    }

    private void OnRoutees(Routees routees)
    {
        foreach (var routee in routees.Members.OfType<ActorRefRoutee>())
        {
            if (!_slotsByRef.ContainsKey(routee.Actor))
            {
                var slot = new WorkerSlot(routee.Actor, Remoting.IsRemote(routee.Actor, Context.System));
                _slots.Add(slot);
                _slotsByRef.Add(routee.Actor, slot);
                Context.Watch(routee.Actor);
            }
        }

        Pump();
    }

    private void WorkerLost(IActorRef worker)
    {
        if (!_slotsByRef.Remove(worker, out var slot))
        {
            return;
        }

        _slots.Remove(slot);
        foreach (var (key, index) in slot.InFlight)
        {
            if (_requests.TryGetValue(key, out var request))
            {
                request.Retry(index);
                if (request.Node.List is null)
                {
                    _rotation.AddFirst(request.Node);
                }
            }
        }

        if (_slots.Count == 0 && _requests.Count > 0)
        {
            foreach (var waiting in _requests.Values)
            {
                waiting.WaitingSince = DateTime.UtcNow;
            }

            ExpectWorkers();
        }

        Pump();
    }

    /// <summary>Checks for workers after the oldest waiting call's timeout; a running check is never postponed.</summary>
    private void ExpectWorkers()
    {
        if (!Timers.IsTimerActive(nameof(NoWorkersCheck)))
        {
            var oldest = _requests.Values.Select(r => r.WaitingSince).DefaultIfEmpty(DateTime.UtcNow).Min();
            var due = oldest + _setup.Settings.NoWorkersTimeout - DateTime.UtcNow;
            Timers.StartSingleTimer(nameof(NoWorkersCheck), NoWorkersCheck.Instance, due > TimeSpan.Zero ? due : TimeSpan.Zero);
        }
    }

    private void FailIfNoWorkers()
    {
        if (_slots.Count > 0)
        {
            return;
        }

        // Only calls that have waited the whole timeout fail; the check comes back for the others.
        var deadline = DateTime.UtcNow - _setup.Settings.NoWorkersTimeout;
        foreach (var request in _requests.Values.Where(r => r.WaitingSince <= deadline).ToList())
        {
            Abort(request, new InvalidOperationException(
                $"No pool workers are left to run '{request.Info.Function}': none has been reachable for {_setup.Settings.NoWorkersTimeout}. " +
                "Start worker nodes (ActorPool.Node node --roles worker) or check the cluster's seed nodes."));
        }

        if (_requests.Count > 0)
        {
            ExpectWorkers();
        }
    }

    private void Cancel(long requestId, IActorRef submitter)
    {
        foreach (var request in _requests.Values.Where(r => r.Info.RequestId == requestId && r.Submitter.Equals(submitter)).ToList())
        {
            Abort(request, new OperationCanceledException($"The call to '{request.Info.Function}' was cancelled."));
        }
    }

    /// <summary>Answers a one-chunk request from its worker's reply; results too large for one message arrive in parts.</summary>
    private void AnswerDirectly(Request request, object reply)
    {
        switch (reply)
        {
            case ChunkFailed failed when failed.Attempt == request.AttemptOf(0):
                Finish(request, null, failed.Failure.ToException(failed.ItemOffset));
                break;
            case ChunkResult result when result.Attempt == request.AttemptOf(0):
                if (result.PartOffset == 0 && result.Last && result.Values.Length == request.Info.ItemCount)
                {
                    Finish(request, result.Values, null);
                }
                else if (request.AddPart(result))
                {
                    Finish(request, request.Parts, null);
                }

                break;
        }
    }

    /// <summary>Ends a request with a failure: through its aggregator, or directly.</summary>
    private void Abort(Request request, Exception failure)
    {
        if (request.Aggregator is { } aggregator)
        {
            aggregator.Tell(new AbortRequest(failure));
            if (failure is OperationCanceledException or PoolClosedException)
            {
                Forget(request.Info.Key);
            }
        }
        else
        {
            Finish(request, null, failure);
        }
    }

    private void Finish(Request request, Array? values, Exception? failure)
    {
        Replies.Answer(request.Info, values, failure, Context.System);
        Forget(request.Info.Key);
    }

    private void Forget(long key)
    {
        if (!_requests.Remove(key, out var request))
        {
            return;
        }

        if (request.Node.List is not null)
        {
            _rotation.Remove(request.Node);
        }

        if (request.Aggregator is null && request.Info.Timeout is not null)
        {
            Timers.Cancel(("deadline", key));
        }
    }

    private void Terminate()
    {
        _closed = _terminated = true;
        foreach (var request in _requests.Values.ToList())
        {
            Abort(request, new PoolClosedException($"The pool was terminated before the call to '{request.Info.Function}' finished."));
        }

        Timers.Cancel(nameof(RefreshRoutees));
        Context.Stop(_workers);
    }

    /// <summary>A worker and the chunks it holds now.</summary>
    private sealed record WorkerSlot(IActorRef Ref, bool IsRemote)
    {
        public HashSet<(long Key, int Index)> InFlight { get; } = [];
    }

    /// <summary>A request's chunks: which are still to send, and how often each has been sent.</summary>
    private sealed class Request
    {
        private readonly int[] _attempts;
        private readonly Queue<int> _retries = new();
        private int _next;

        public Request(RequestInfo info, Array arguments, FunctionInvoker? local, IActorRef? aggregator, IActorRef submitter)
        {
            Info = info;
            Arguments = arguments;
            Local = local;
            Aggregator = aggregator;
            Submitter = submitter;
            _attempts = new int[info.ChunkCount];
            Node = new LinkedListNode<Request>(this);
        }

        public RequestInfo Info { get; }

        public Array Arguments { get; }

        public FunctionInvoker? Local { get; }

        /// <summary>The request's aggregator; null when the router answers it itself (one chunk).</summary>
        public IActorRef? Aggregator { get; }

        public IActorRef Submitter { get; }

        /// <summary>The parts of a one-chunk result that came in several messages.</summary>
        public Array? Parts { get; private set; }

        private int _received;

        public int AttemptOf(int index) => _attempts[index];

        /// <summary>Adds a part of a one-chunk result; true when all of it is in.</summary>
        public bool AddPart(ChunkResult part)
        {
            Parts ??= Array.CreateInstance(part.Values.GetType().GetElementType()!, Info.ItemCount);
            Array.Copy(part.Values, 0, Parts, part.PartOffset, part.Values.Length);
            _received += part.Values.Length;
            return part.Last && _received >= Info.ItemCount;
        }

        public LinkedListNode<Request> Node { get; }

        /// <summary>Since when this request has waited with no worker at all (its submission, or the loss of the last worker).</summary>
        public DateTime WaitingSince { get; set; } = DateTime.UtcNow;

        public bool HasPending => _retries.Count > 0 || _next < _attempts.Length;

        /// <summary>An apply the router answers itself: it may travel in a batch with others.</summary>
        public bool IsBatchable => Aggregator is null && Info.Mode == ReplyMode.Single;

        public bool TryTake(out int index, out int attempt)
        {
            if (_retries.TryDequeue(out index) || (_next < _attempts.Length && (index = _next++) >= 0))
            {
                attempt = _attempts[index];
                return true;
            }

            attempt = 0;
            return false;
        }

        public void Retry(int index)
        {
            _attempts[index]++;
            _retries.Enqueue(index);
            Parts = null;
            _received = 0;
        }
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
