using ActorPool.Internal;
using Xunit;

namespace ActorPool.Tests.Actors;

/// <summary>
/// <see cref="DispatchScheduler{TRequest}"/> on its own, no actors: which worker takes the next chunk (round-robin,
/// credits respected) and whose turn it is (a line with front, back, removal and taking by predicate).
/// </summary>
public sealed class DispatchSchedulerSpec
{
    private static readonly IReadOnlyList<string> Workers = ["a", "b", "c"];

    [Fact]
    public void Workers_are_chosen_round_robin_starting_after_the_last_chosen()
    {
        var scheduler = new Line(creditsPerWorker: 10);

        var chosen = Enumerable.Range(0, 7).Select(_ => scheduler.NextWorker(Workers, _ => 0)).ToList();

        Assert.Equal(["a", "b", "c", "a", "b", "c", "a"], chosen);
    }

    [Fact]
    public void A_worker_holding_all_its_credits_is_skipped_and_the_turn_moves_past_the_one_chosen()
    {
        var scheduler = new Line(creditsPerWorker: 2);
        var inFlight = new Dictionary<string, int> { ["a"] = 0, ["b"] = 2, ["c"] = 1 };

        var first = scheduler.NextWorker(Workers, w => inFlight[w]);
        var second = scheduler.NextWorker(Workers, w => inFlight[w]);
        var third = scheduler.NextWorker(Workers, w => inFlight[w]);

        Assert.Equal(("a", "c", "a"), (first, second, third));
    }

    [Fact]
    public void Credits_are_counted_as_given_a_worker_filling_up_drops_out_of_the_rotation()
    {
        var scheduler = new Line(creditsPerWorker: 2);
        var inFlight = Workers.ToDictionary(w => w, _ => 0);

        var dealt = new List<string>();
        while (scheduler.NextWorker(Workers, w => inFlight[w]) is { } worker)
        {
            inFlight[worker]++;
            dealt.Add(worker);
        }

        Assert.Equal(["a", "b", "c", "a", "b", "c"], dealt);
        Assert.All(Workers, w => Assert.Equal(2, inFlight[w]));
    }

    [Fact]
    public void The_worker_that_answered_last_comes_first_while_it_holds_nothing_and_is_eligible()
    {
        var scheduler = new Line(creditsPerWorker: 2);
        var inFlight = Workers.ToDictionary(w => w, _ => 0);
        scheduler.Answered("c");

        Assert.Equal("c", scheduler.NextWorker(Workers, w => inFlight[w]));
        Assert.Equal("c", scheduler.NextWorker(Workers, w => inFlight[w]));

        // Holding a chunk, or not eligible, or no longer among the workers: the rotation decides, going on after it.
        inFlight["c"] = 1;
        Assert.Equal("a", scheduler.NextWorker(Workers, w => inFlight[w]));
        inFlight["c"] = 0;
        Assert.Equal("b", scheduler.NextWorker(Workers, w => inFlight[w], w => w != "c"));
        Assert.Equal("a", scheduler.NextWorker(["a", "b"], w => inFlight[w]));
    }

    [Fact]
    public void A_burst_dealt_after_the_worker_that_answered_last_still_spreads_over_every_worker()
    {
        var scheduler = new Line(creditsPerWorker: 2);
        var inFlight = Workers.ToDictionary(w => w, _ => 0);
        scheduler.Answered("b");

        var dealt = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var worker = scheduler.NextWorker(Workers, w => inFlight[w])!;
            inFlight[worker]++;
            dealt.Add(worker);
        }

        Assert.Equal(["b", "c", "a"], dealt);
    }

    [Fact]
    public void No_worker_is_chosen_when_all_are_full_or_there_are_none()
    {
        var scheduler = new Line(creditsPerWorker: 1);

        Assert.Null(scheduler.NextWorker(Workers, _ => 1));
        Assert.Null(scheduler.NextWorker(Array.Empty<string>(), _ => 0));
        Assert.Equal("a", scheduler.NextWorker(Workers, _ => 0));
    }

    [Fact]
    public void A_worker_set_that_shrank_still_gets_a_valid_worker()
    {
        var scheduler = new Line(creditsPerWorker: 1);
        scheduler.NextWorker(Workers, _ => 0);
        scheduler.NextWorker(Workers, _ => 0);

        // The next turn was the third worker; with one worker left the choice wraps onto it.
        Assert.Equal("z", scheduler.NextWorker(["z"], _ => 0));
    }

    [Fact]
    public void Only_eligible_workers_are_chosen_and_the_rotation_continues_after_the_one_chosen()
    {
        var scheduler = new Line(creditsPerWorker: 5);

        var chosen = Enumerable.Range(0, 4).Select(_ => scheduler.NextWorker(Workers, _ => 0, w => w != "b")).ToList();

        Assert.Equal(["a", "c", "a", "c"], chosen);
        Assert.Null(scheduler.NextWorker(Workers, _ => 0, _ => false));
    }

    [Fact]
    public void AnyFree_says_whether_some_worker_has_a_credit_left()
    {
        var scheduler = new Line(creditsPerWorker: 2);

        Assert.True(scheduler.AnyFree(Workers, w => w == "c" ? 1 : 2));
        Assert.False(scheduler.AnyFree(Workers, _ => 2));
        Assert.False(scheduler.AnyFree(Array.Empty<string>(), _ => 0));
    }

    [Fact]
    public void Credits_below_one_are_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new Line(creditsPerWorker: 0));

    [Fact]
    public void Enqueue_keeps_arrival_order_and_ignores_a_request_already_in_line()
    {
        var scheduler = new Line(1);
        scheduler.Enqueue("r1");
        scheduler.Enqueue("r2");
        scheduler.Enqueue("r1");
        scheduler.EnqueueFirst("r2");

        Assert.Equal(2, scheduler.Waiting);
        Assert.Equal(["r1", "r2"], scheduler.Queue);
    }

    [Fact]
    public void EnqueueFirst_puts_a_request_ahead_of_those_waiting()
    {
        var scheduler = new Line(1);
        scheduler.Enqueue("r1");
        scheduler.Enqueue("r2");
        scheduler.EnqueueFirst("retry");

        Assert.Equal(["retry", "r1", "r2"], Drain(scheduler));
    }

    [Fact]
    public void Remove_takes_a_request_out_from_anywhere_and_is_harmless_when_repeated()
    {
        var scheduler = new Line(1);
        scheduler.Enqueue("r1");
        scheduler.Enqueue("r2");
        scheduler.Enqueue("r3");

        scheduler.Remove("r2");
        scheduler.Remove("r2");
        scheduler.Remove("never-queued");

        Assert.Equal(["r1", "r3"], Drain(scheduler));
    }

    [Fact]
    public void A_request_taken_out_of_line_can_queue_again_at_the_back()
    {
        var scheduler = new Line(1);
        scheduler.Enqueue("r1");
        scheduler.Enqueue("r2");

        Assert.True(scheduler.TryDequeue(out var turn));
        scheduler.Enqueue(turn);

        Assert.Equal(["r2", "r1"], Drain(scheduler));
    }

    [Fact]
    public void TryDequeue_on_an_empty_line_says_so()
    {
        var scheduler = new Line(1);

        Assert.False(scheduler.TryDequeue(out _));
        Assert.Equal(0, scheduler.Waiting);
    }

    [Fact]
    public void TakeWhere_takes_matches_in_turn_order_up_to_max_and_leaves_the_rest_in_order()
    {
        var scheduler = new Line(1);
        foreach (var request in new[] { "x1", "y1", "x2", "x3", "y2", "x4" })
        {
            scheduler.Enqueue(request);
        }

        var taken = scheduler.TakeWhere(r => r.StartsWith('x'), max: 3);

        Assert.Equal(["x1", "x2", "x3"], taken);
        Assert.Equal(["y1", "y2", "x4"], scheduler.Queue);

        // Those taken have left the line: they may queue again, and only once.
        scheduler.Enqueue("x1");
        scheduler.Enqueue("x1");
        Assert.Equal(["y1", "y2", "x4", "x1"], Drain(scheduler));
    }

    [Fact]
    public void TakeWhere_with_no_match_or_max_zero_takes_nothing()
    {
        var scheduler = new Line(1);
        scheduler.Enqueue("a");
        scheduler.Enqueue("b");

        Assert.Empty(scheduler.TakeWhere(_ => false, 5));
        Assert.Empty(scheduler.TakeWhere(_ => true, 0));
        Assert.Equal(["a", "b"], scheduler.Queue);
    }

    private static List<string> Drain(Line scheduler)
    {
        var order = new List<string>();
        while (scheduler.TryDequeue(out var request))
        {
            order.Add(request);
        }

        return order;
    }
}

/// <summary>
/// A <see cref="DispatchScheduler{TRequest}"/> over requests named by strings, one request per name in each line
/// (so "r1" twice is the same request), so the specs read as names.
/// </summary>
internal sealed class Line(int creditsPerWorker)
{
    private readonly DispatchScheduler<Named> _scheduler = new(creditsPerWorker);
    private readonly Dictionary<string, Named> _requests = [];

    public int Waiting => _scheduler.Waiting;

    public IEnumerable<string> Queue => _scheduler.Queue.Select(r => r.Name);

    public void Enqueue(string name) => _scheduler.Enqueue(Of(name));

    public void Answered(string worker) => _scheduler.Answered(worker);

    public void EnqueueFirst(string name) => _scheduler.EnqueueFirst(Of(name));

    public void Remove(string name) => _scheduler.Remove(Of(name));

    public bool TryDequeue(out string name)
    {
        var found = _scheduler.TryDequeue(out var request);
        name = found ? request.Name : "";
        return found;
    }

    public List<string> TakeWhere(Func<string, bool> match, int max) => _scheduler.TakeWhere(r => match(r.Name), max).Select(r => r.Name).ToList();

    public TWorker? NextWorker<TWorker>(IReadOnlyList<TWorker> workers, Func<TWorker, int> inFlight, Func<TWorker, bool>? eligible = null)
        where TWorker : class => _scheduler.NextWorker(workers, inFlight, eligible);

    public bool AnyFree<TWorker>(IReadOnlyList<TWorker> workers, Func<TWorker, int> inFlight) => _scheduler.AnyFree(workers, inFlight);

    private Named Of(string name) => _requests.TryGetValue(name, out var request) ? request : _requests[name] = new Named(name);

    private sealed class Named(string name) : ITakesTurns<Named>
    {
        public string Name { get; } = name;

        public LinkedListNode<Named>? Turn { get; set; }
    }
}
