using Akka.Actor;

namespace ActorPool.Tests;

/// <summary>Counts the actors alive at a path by asking each to identify itself.</summary>
internal static class LiveActors
{
    /// <summary>
    /// How many actors answer <see cref="Identify"/> at <paramref name="selection"/>, a path with wildcards in this
    /// system (<c>/user/*</c>) or on another node (<c>akka.tcp://actorpool@127.0.0.1:4053/user/*</c>). Answers are read
    /// until none comes for <paramref name="quiet"/> or <paramref name="cap"/> have come: an answer takes microseconds
    /// in-process and milliseconds over loopback, so a quiet second means there are no more.
    /// </summary>
    public static async Task<int> CountAsync(ActorSystem system, string selection, TimeSpan quiet, int cap = 100)
    {
        using var inbox = Inbox.Create(system);
        system.ActorSelection(selection).Tell(new Identify("count"), inbox.Receiver);
        var live = 0;
        while (live < cap)
        {
            object reply;
            try
            {
                reply = await inbox.ReceiveAsync(quiet);
            }
            catch (Exception ex) when (ex is TimeoutException or AskTimeoutException)
            {
                break;
            }

            if (reply is not ActorIdentity identity)
            {
                // A deadline that comes back as a failure message rather than an exception: no more answers.
                break;
            }

            // A selection that matches nothing answers once, with no subject.
            live += identity.Subject is null ? 0 : 1;
        }

        return live;
    }
}
