namespace ActorPool.Internal;

/// <summary>The router dealing chunks and batches to workers with free credits, requests taking turns.</summary>
internal sealed partial class PoolRouter
{
    /// <summary>
    /// Deals pending chunks to workers with a free credit, requests taking turns. A request that no free worker can
    /// run (its function is not on their nodes) waits its next turn; one that no worker at all can run fails.
    /// </summary>
    private void Deal()
    {
        // Bounds the requests in a row that find no worker, so the loop ends when the free workers can run none of them.
        var misses = 0;
        while (misses < _scheduler.Waiting && _scheduler.AnyFree(_workers.All, InFlight) && _scheduler.TryDequeue(out var request))
        {
            var function = request.Info.Function;
            // Nodes list their functions as they were when asked; one that no node lists goes to any worker that
            // can take it, whose node then runs it or says it cannot. Closures stay on in-process workers.
            var choosy = !_workers.AllRunAnything && (request.Local is { IsLocalOnly: true } || _workers.All.Any(w => w.CanRun(function, request.Local)));
            var worker = choosy
                ? _scheduler.NextWorker(_workers.All, InFlight, w => w.CanRun(function, request.Local))
                : _scheduler.NextWorker(_workers.All, InFlight);
            if (worker is null)
            {
                if (!choosy || _workers.All.Any(w => w.CanRun(function, request.Local)))
                {
                    _scheduler.Enqueue(request);
                    misses++;
                }
                else
                {
                    Abort(request, NoneCanRun(request));
                }

                continue;
            }

            misses = 0;
            if (worker.IsRemote && request.Local?.WireProblem is { } problem)
            {
                // Known since the function was registered: say which type stops it, alone or batched, rather than fail inside its values.
                Abort(request, new PoolPayloadException($"'{request.Info.Function}' cannot run on another node: {problem}"));
                continue;
            }

            if (!request.TryTake(out var index, out var attempt))
            {
                continue;
            }

            if (request.IsBatchable && _scheduler.Waiting > 0 && ApplyBatcher.Gather((request, attempt), _scheduler, BatchLimit(worker, request)) is { } batch)
            {
                SendBatch(worker, batch);
                continue;
            }

            var info = request.Info;
            var chunk = new Chunk(info.Key, index, attempt, info.Function, request.Arguments, index * info.ChunkSize, info.ChunkLength(index))
            {
                LocalFunction = request.Local,
                Destination = worker.IsRemote ? null : info.Destination,
                Answer = request.AnsweredByWorker && !worker.IsRemote ? info : null,
            };
            Send(worker, chunk, request);
            if (request.HasPending)
            {
                _scheduler.Enqueue(request);
            }
        }
    }

    private static int InFlight(WorkerSlot worker) => worker.InFlight.Count;

    /// <summary>The failure of a closure that no worker of this pool can run: every one is on another node.</summary>
    private static PoolFunctionException NoneCanRun(PendingRequest request) => new(request.Local!.Name,
        $"'{request.Local.Name}' is a lambda or closure, which can only run in this process, but every worker of this pool is on another node. " +
        "Pass a public static method marked [PoolFunction] instead.");

    /// <summary>The most applies one batch for <paramref name="worker"/> may hold: a fair share, and what fits a frame for another node.</summary>
    private int BatchLimit(WorkerSlot worker, PendingRequest request)
    {
        var limit = ApplyBatcher.Limit(_setup.MaxBatch, _scheduler.Waiting, _workers.Count);
        return worker.IsRemote ? Math.Min(limit, ChunkSizing.FitInFrame(_transport.BytesPerItem(request.Arguments), _transport.Budget)) : limit;
    }

    /// <summary>Sends a chunk to a worker and notes that it holds it; a chunk that cannot reach its node fails its call.</summary>
    private void Send(WorkerSlot worker, Chunk chunk, PendingRequest request)
    {
        try
        {
            _transport.Send(worker.Ref, chunk, Self);
            worker.InFlight.Add((chunk.RequestKey, chunk.Index), _metrics.Dispatched());
            _events.Dispatched(request.Info, chunk.Index, chunk.Attempt, worker.Ref);
        }
        catch (PoolException ex)
        {
            Abort(request, ex);
        }
    }

    /// <summary>Sends a batch to a worker and notes that it holds each member; a batch that cannot reach its node fails its calls.</summary>
    private void SendBatch(WorkerSlot worker, Batch batch)
    {
        try
        {
            _transport.Send(worker.Ref, batch, Self);
            for (var i = 0; i < batch.Keys.Length; i++)
            {
                worker.InFlight.Add((batch.Keys[i], 0), _metrics.Dispatched());
                if (_events.Enabled && _requests.TryGetValue(batch.Keys[i], out var member))
                {
                    _events.Dispatched(member.Info, 0, batch.Attempts[i], worker.Ref);
                }
            }
        }
        catch (PoolException ex)
        {
            foreach (var key in batch.Keys)
            {
                if (_requests.TryGetValue(key, out var member))
                {
                    Abort(member, ex);
                }
            }
        }
    }
}
