using Akka.Actor;

namespace ActorPool.Internal;

/// <summary>The router's workers coming and going: found, no longer offered, lost or crashed (their chunks go out again), and none at all.</summary>
internal sealed partial class PoolRouter
{
    /// <summary>
    /// The workers there are now, as their hosts list them: new ones are dealt to, and those no longer listed (a
    /// stuck worker its host abandoned, a node that left) are lost, their chunks sent again.
    /// </summary>
    private void Found(IReadOnlyCollection<FoundWorker> workers)
    {
        foreach (var (worker, functions) in workers)
        {
            if (_workers.TryAdd(worker, _transport.IsRemote(worker), functions))
            {
                Context.Watch(worker);
            }
        }

        if (_workers.Count > workers.Count)
        {
            var listed = workers.Select(w => w.Worker).ToHashSet();
            foreach (var gone in _workers.All.Where(w => !listed.Contains(w.Ref)).Select(w => w.Ref).ToList())
            {
                Context.Unwatch(gone);
                Lost(gone, "the worker is no longer offered (its node is unreachable, or it was abandoned)");
            }
        }

        Deal();
    }

    /// <summary>A worker crashed outside user code holding these chunks: each goes out again, up to <see cref="MaxAttempts"/> times.</summary>
    private void Crashed(WorkerCrashed crashed)
    {
        var worker = _workers.Find(Sender);
        for (var i = 0; i < crashed.Keys.Length; i++)
        {
            var (key, index, attempt) = (crashed.Keys[i], crashed.Indexes[i], crashed.Attempts[i]);
            if (worker is not null && worker.InFlight.Remove((key, index)))
            {
                _metrics.Dropped(1);
            }

            if (!_requests.TryGetValue(key, out var request) || request.AttemptOf(index) != attempt)
            {
                continue;
            }

            if (attempt + 1 >= MaxAttempts)
            {
                Abort(request, new PoolWorkerLostException(
                    $"A worker crashed outside the function each of the {MaxAttempts} times it ran chunk {index} of the call to '{request.Info.Function}'; last: {crashed.Reason}"));
                continue;
            }

            Retry(request, index, Sender, "worker-crashed", crashed.Reason);
        }

        Deal();
    }

    /// <summary>A worker died or its node left: its chunks go out again; with no worker left, calls start waiting for one.</summary>
    private void Lost(IActorRef worker, string reason)
    {
        var held = _workers.Remove(worker);
        _metrics.Dropped(held.Count);
        foreach (var (key, index) in held)
        {
            if (_requests.TryGetValue(key, out var request))
            {
                Retry(request, index, worker, "worker-lost", reason);
            }
        }

        if (_workers.Count == 0 && _requests.Count > 0)
        {
            foreach (var waiting in _requests.Values)
            {
                waiting.WaitingSince = Now;
            }

            ExpectWorkers();
        }

        Deal();
    }

    /// <summary>Sends a chunk again, first in its request's turn, and counts it: in the metrics, the chunk events and the caller's progress.</summary>
    private void Retry(PendingRequest request, int index, IActorRef worker, string cause, string reason)
    {
        _metrics.Retried(cause);
        request.Retry(index);
        _events.Retried(request.Info, index, request.AttemptOf(index), worker, reason);
        if (request.Info.ReportsProgress)
        {
            var items = request.Info.ChunkLength(index);
            request.Progress?.Retried(items);
            request.Aggregator?.Tell(new ItemsRetried(items));
        }

        _scheduler.EnqueueFirst(request);
    }

    /// <summary>Checks for workers when the oldest waiting call's timeout is up; a running check is never postponed.</summary>
    private void ExpectWorkers()
    {
        if (!Timers.IsTimerActive(nameof(NoWorkersCheck)))
        {
            Timers.StartSingleTimer(nameof(NoWorkersCheck), NoWorkersCheck.Instance, _watchdog.DueIn(_requests.Values.Select(r => r.WaitingSince), Now));
        }
    }

    private void FailIfNoWorkers()
    {
        if (_workers.Count > 0)
        {
            return;
        }

        // Only calls that have waited the whole timeout fail; the check comes back for the others.
        foreach (var request in _requests.Values.Where(r => _watchdog.HasExpired(r.WaitingSince, Now)).ToList())
        {
            Abort(request, _watchdog.Failure(request.Info.Function));
        }

        if (_requests.Count > 0)
        {
            ExpectWorkers();
        }
    }
}
