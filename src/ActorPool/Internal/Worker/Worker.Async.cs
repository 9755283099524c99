using Akka.Actor;

namespace ActorPool.Internal;

/// <summary>
/// The worker's async calls: each chunk's calls complete on pool threads and come back to the worker as one
/// <see cref="AsyncDone"/> message; every request's calls here share one cancellation token; an incarnation replaced
/// while its calls run retires after the last.
/// </summary>
internal sealed partial class Worker
{
    /// <summary>
    /// When <paramref name="task"/> completes, the worker gets its reply as a message and answers from its own thread.
    /// Runs on the worker's thread (it notes the incarnation the calls belong to); the continuation does not.
    /// </summary>
    private void Complete<T>(Task<T> task, long[] keys, Func<T, object> done, Func<Exception, object> failed, Chunk? chunk, Batch? batch, IActorRef router)
    {
        var (self, context) = (Self, _context);
        _asyncRunning[context] = _asyncRunning.GetValueOrDefault(context) + 1;
        task.ContinueWith(t =>
        {
            object reply;
            try
            {
                reply = t.IsCompletedSuccessfully ? done(t.Result) : failed(t.Exception?.GetBaseException() ?? new TaskCanceledException(t));
            }
            catch (Exception ex)
            {
                // Building the reply must not lose it: whatever went wrong fails the calls instead.
                reply = Fallback(ex, failed);
            }

            self.Tell(new AsyncDone(context, keys, chunk, batch, reply, router));
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private static object Fallback(Exception ex, Func<Exception, object> failed)
    {
        try
        {
            return failed(ex);
        }
        catch (Exception)
        {
            // Even describing the failure threw (a user exception's Message, say): fail with words of our own.
            return failed(new PoolPayloadException("An async call failed, and its failure could not be described."));
        }
    }

    /// <summary>An async chunk or batch of <paramref name="context"/> ended: an incarnation replaced meanwhile retires after its last.</summary>
    private void Ended(WorkerContext context)
    {
        var running = _asyncRunning.GetValueOrDefault(context) - 1;
        if (running > 0)
        {
            _asyncRunning[context] = running;
            return;
        }

        _asyncRunning.Remove(context);
        if (_retiring.Remove(context))
        {
            context.Retire();
        }
    }

    /// <summary>The token for a request's async calls here, shared by its chunks on this worker.</summary>
    private CancellationToken Acquire((IActorRef Router, long Key) request)
    {
        if (!_tokens.TryGetValue(request, out var token))
        {
            token = (CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token), 0);
        }

        _tokens[request] = (token.Source, token.Users + 1);
        return token.Source.Token;
    }

    private void Release((IActorRef Router, long Key) request)
    {
        if (_tokens.TryGetValue(request, out var token))
        {
            if (token.Users > 1)
            {
                _tokens[request] = (token.Source, token.Users - 1);
            }
            else
            {
                // Every call given this token has completed: nothing can observe it any more.
                _tokens.Remove(request);
                token.Source.Dispose();
            }
        }
    }
}
