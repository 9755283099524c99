using Akka.Actor;

namespace ActorPool.Internal;

/// <summary>How a request is answered, whoever answers it: the aggregator of a map, or the router itself for a single chunk.</summary>
internal static class Replies
{
    /// <summary>
    /// Sends the answer: the values (whole, or the single value at <paramref name="index"/> of an apply), or the
    /// failure. An answer that cannot reach a requester on another node (a value that cannot cross, a result too
    /// large for one message) is replaced by that failure, so the caller never waits for a dropped message.
    /// </summary>
    public static void Answer(RequestInfo request, Array? values, Exception? failure, Transport transport, int index = 0)
    {
        object reply = failure is not null
            ? new Status.Failure(failure, request.RequestId)
            : request.Mode switch
            {
                ReplyMode.Single => new ApplyResult(request.RequestId, values!.GetValue(index)),
                ReplyMode.Whole => new MapResult(request.RequestId, TypedItems.Wrap(values!)),
                _ => new MapResult(request.RequestId, Array.Empty<object?>()),
            };
        try
        {
            transport.Send(request.ReplyTo, reply);
        }
        catch (PoolException ex) when (failure is null)
        {
            transport.Send(request.ReplyTo, new Status.Failure(ex, request.RequestId));
        }
    }

    /// <summary>Tells a requester on another node which actor holds its request, so it can watch it.</summary>
    public static void Accepted(RequestInfo request, IActorRef holder, Transport transport)
    {
        if (request.FromFacade && transport.IsRemote(request.ReplyTo))
        {
            transport.Send(request.ReplyTo, new RequestAccepted(request.RequestId), holder);
        }
    }
}
