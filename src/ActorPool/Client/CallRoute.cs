using Akka.Actor;

namespace ActorPool.Internal;

/// <summary>
/// What the <see cref="ClusterClientProxy"/> of a pool knows of one call it forwarded: the request, to send it again
/// when the node serving it is lost, and where the call stands. The request holds the caller's arguments by
/// reference, never a copy, and goes when the call is answered.
/// </summary>
/// <param name="request">The call's request, as the facade made it.</param>
internal sealed class CallRoute(Submit request)
{
    public Submit Request { get; } = request;

    /// <summary>How many times the call has been sent again.</summary>
    public int Resubmissions { get; set; }

    /// <summary>The router it was last forwarded to, by the proxy's count of routers; 0 while it waits to be forwarded.</summary>
    public long Generation { get; set; }

    /// <summary>When it was last forwarded (a <see cref="System.Diagnostics.Stopwatch"/> timestamp).</summary>
    public long ForwardedAt { get; set; }

    /// <summary>The remote actor that accepted it last; null until one has.</summary>
    public IActorRef? Holder { get; set; }

    /// <summary>The node last lost while serving it, for the failure message.</summary>
    public Address? LostAt { get; set; }
}
