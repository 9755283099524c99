using ActorPool.Internal;
using Akka.Actor;
using Xunit;

namespace ActorPool.Tests.Actors;

/// <summary>
/// <see cref="CallerRunsDispatcher"/>, the router's dispatcher, with a recording actor on it: a message sent inside
/// <see cref="CallerRunsDispatcher.RunHere"/> to an idle actor is handled on the sending thread before the send
/// returns; everything else is handled on the thread pool, and the sender's own actor context survives the turn.
/// </summary>
public sealed class CallerRunsDispatcherSpec : Akka.TestKit.Xunit2.TestKit
{
    public CallerRunsDispatcherSpec() : base(ActorSpecConfig.Local)
    {
    }

    [Fact]
    public async Task A_message_sent_inside_RunHere_is_handled_on_the_sending_thread_before_the_send_returns()
    {
        var recorder = Recorder();

        var (thread, handled) = await UntilRunHere(() =>
        {
            recorder.Tell("inline", TestActor);
            // Nothing has been awaited yet: a reply already here was sent by a turn this very Tell ran.
            return ReceiveOne(TimeSpan.Zero) is Handled reply ? [reply] : [];
        }, "inline");

        Assert.Equal(thread, handled.Single().Thread);
    }

    [Fact]
    public async Task A_message_sent_outside_RunHere_or_after_the_scope_ends_is_handled_on_the_thread_pool()
    {
        var recorder = Recorder();
        using (CallerRunsDispatcher.RunHere())
        {
        }

        // The recorder waits for the gate, which opens only once the Tell has returned: had the Tell run the turn on
        // this thread, it would have waited out the gate's bound first.
        using var gate = new ManualResetEventSlim();
        recorder.Tell(new Gated(gate), TestActor);
        gate.Set();
        var handled = await ExpectMsgAsync<Handled>();

        Assert.Equal("after-gate", handled.Message);
        Assert.True(handled.OnThreadPool, "handled outside the thread pool");
    }

    [Fact]
    public async Task Only_the_first_turn_runs_here_and_what_the_actor_sends_meanwhile_goes_to_the_thread_pool()
    {
        var recorder = Recorder();
        var other = Recorder();

        // The recorder, running here, forwards to the other recorder on the same dispatcher: that one must not run
        // nested on this stack, and a second Tell in the same scope no longer runs here either.
        var (thread, handled) = await UntilRunHere(() =>
        {
            recorder.Tell(new Forward(other, "forwarded"), TestActor);
            other.Tell("second", TestActor);
            return [ExpectMsg<Handled>(), ExpectMsg<Handled>(), ExpectMsg<Handled>()];
        }, "forward");

        Assert.Equal(["forward", "forwarded", "second"], handled.Select(h => h.Message).Order());
        Assert.All(handled.Where(h => h.Message != "forward"), h => Assert.True(h.OnThreadPool && h.Thread != thread, $"'{h.Message}' handled off the pool"));
    }

    [Fact]
    public async Task An_actor_that_runs_a_turn_inside_its_own_keeps_its_context()
    {
        var target = Recorder();
        var sender = Sys.ActorOf(Props.Create(() => new InlineSender(target)), "sender");

        for (var attempt = 0; ; attempt++)
        {
            sender.Tell("go", TestActor);
            // In either order: the target answers first only when its turn ran inside the sender's.
            var replies = new[] { await ExpectMsgAsync<object>(), await ExpectMsgAsync<object>() };
            var handled = replies.OfType<Handled>().Single();
            var after = replies.OfType<SenderAfter>().Single();

            // Whichever thread ran the target, the sender still answers as itself, to its own sender.
            Assert.Equal((sender, TestActor), (after.Self, after.ItsSender));
            if (handled.Thread == after.Thread)
            {
                // ...and this time the target's turn ran inside the sender's, on its thread.
                Assert.Equal("from-sender", handled.Message);
                return;
            }

            Assert.True(attempt < 50, "The target never ran on the sender's thread: it was never found idle.");
            await Task.Delay(10);
        }
    }

    /// <summary>
    /// Sends inside <see cref="CallerRunsDispatcher.RunHere"/> until the actor's turn ran here: one that is still
    /// finishing its previous turn on a pool thread (say, the one that made it) rightly handles the message there.
    /// </summary>
    /// <returns>The sending thread, and the replies once the one named <paramref name="inline"/> came from it.</returns>
    private async Task<(int Thread, Handled[] Handled)> UntilRunHere(Func<Handled[]> send, string inline)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var thread = Environment.CurrentManagedThreadId;
            Handled[] handled;
            using (CallerRunsDispatcher.RunHere())
            {
                handled = send();
            }

            if (handled.SingleOrDefault(h => h.Message == inline) is { } reply && reply.Thread == thread)
            {
                return (thread, handled);
            }

            ReceiveWhile<object>(TimeSpan.FromMilliseconds(100), m => m);
            await Task.Delay(10);
        }

        throw new InvalidOperationException($"'{inline}' never ran on the sending thread: the actor was never found idle.");
    }

    private IActorRef Recorder() =>
        Sys.ActorOf(Props.Create(() => new RecordingActor()).WithDispatcher(PoolSettings.RouterDispatcherPath));

    private sealed record Handled(string Message, int Thread, bool OnThreadPool);

    private sealed record Forward(IActorRef To, string Message);

    private sealed record Gated(ManualResetEventSlim Gate);

    private sealed record SenderAfter(IActorRef Self, IActorRef ItsSender, int Thread);

    private sealed class RecordingActor : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case string text:
                    Sender.Tell(Here(text));
                    break;
                case Gated gated:
                    Sender.Tell(Here(gated.Gate.Wait(TimeSpan.FromSeconds(5)) ? "after-gate" : "gate-timed-out"));
                    break;
                case Forward forward:
                    forward.To.Tell(forward.Message, Sender);
                    Sender.Tell(Here("forward"));
                    break;
            }
        }

        private static Handled Here(string message) =>
            new(message, Environment.CurrentManagedThreadId, Thread.CurrentThread.IsThreadPoolThread);
    }

    private sealed class InlineSender(IActorRef target) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            using (CallerRunsDispatcher.RunHere())
            {
                target.Tell("from-sender", Sender);
            }

            Sender.Tell(new SenderAfter(Self, Sender, Environment.CurrentManagedThreadId));
        }
    }
}
