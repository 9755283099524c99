using Akka.Actor;
using Akka.Event;

namespace ActorPool.Internal;

/// <summary>Publishes the router's <see cref="ChunkEvent"/>s when the system's settings ask for them; costs one test per chunk when they do not.</summary>
internal sealed class ChunkEvents(ActorSystem system, bool enabled)
{
    private readonly EventStream _stream = system.EventStream;

    public bool Enabled { get; } = enabled;

    public void Dispatched(RequestInfo request, int chunk, int attempt, IActorRef worker)
    {
        if (Enabled)
        {
            _stream.Publish(new ChunkDispatched(request.Function, request.RequestId, chunk, attempt, worker.Path.ToString()));
        }
    }

    public void Completed(RequestInfo request, int chunk, int attempt, IActorRef worker, bool failed)
    {
        if (Enabled)
        {
            _stream.Publish(new ChunkCompleted(request.Function, request.RequestId, chunk, attempt, worker.Path.ToString(), failed));
        }
    }

    public void Retried(RequestInfo request, int chunk, int attempt, IActorRef worker, string reason)
    {
        if (Enabled)
        {
            _stream.Publish(new ChunkRetried(request.Function, request.RequestId, chunk, attempt, worker.Path.ToString(), reason));
        }
    }
}
