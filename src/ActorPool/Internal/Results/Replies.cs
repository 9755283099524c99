using Akka.Actor;

namespace ActorPool.Internal;

/// <summary>How a request is answered, whoever answers it: the aggregator of a map, or the router itself for a single chunk.</summary>
internal static class Replies
{
    /// <summary>
    /// Sends the answer: the values (whole, or the single value of an apply), or the failure. For a requester on
    /// another node the failure is made portable and a result too large for one message fails clearly instead of
    /// being dropped by remoting.
    /// </summary>
    public static void Answer(RequestInfo request, Array? values, Exception? failure, ActorSystem system, int index = 0)
    {
        var remote = Remoting.IsRemote(request.ReplyTo, system);
        if (failure is not null && remote)
        {
            failure = Remoting.Portable(failure);
        }

        object reply = failure is not null
            ? new Status.Failure(failure, request.RequestId)
            : request.Mode switch
            {
                ReplyMode.Single => new ApplyResult(request.RequestId, values!.GetValue(index)),
                ReplyMode.Whole => new MapResult(request.RequestId, TypedItems.Wrap(values!)),
                _ => new MapResult(request.RequestId, Array.Empty<object?>()),
            };
        if (remote && reply is MapResult { Values: ITypedItems typed } && !FitsInFrame(typed.Array, system))
        {
            reply = new Status.Failure(new NotSupportedException(
                $"The {request.ItemCount:N0} results of '{request.Function}' are too large for one message to another node. " +
                "Stream them with Imap, or raise actorpool.max-remote-payload-bytes together with akka.remote.dot-netty.tcp.maximum-frame-size."), request.RequestId);
        }

        request.ReplyTo.Tell(reply);
    }

    /// <summary>Tells a requester on another node which actor holds its request, so it can watch it.</summary>
    public static void Accepted(RequestInfo request, IActorRef holder, ActorSystem system)
    {
        if (Remoting.IsRemote(request.ReplyTo, system))
        {
            request.ReplyTo.Tell(new RequestAccepted(request.RequestId), holder);
        }
    }

    private static bool FitsInFrame(Array values, ActorSystem system)
    {
        try
        {
            return Remoting.Encode(values, 0, values.Length).Length <= PoolSettings.Of(system).MaxRemotePayloadBytes;
        }
        catch (NotSupportedException)
        {
            return false;
        }
    }
}
