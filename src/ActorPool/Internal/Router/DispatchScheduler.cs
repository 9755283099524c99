namespace ActorPool.Internal;

/// <summary>
/// Whose turn it is and which worker takes the next chunk, and nothing else: no actors, no messages, no clock.
/// Requests with chunks to send take turns one chunk at a time (so a small call is never stuck behind another's
/// backlog); workers are dealt round-robin, each holding at most <see cref="CreditsPerWorker"/> chunks, so the
/// rest wait here, where a cancel or terminate still reaches them.
/// </summary>
/// <typeparam name="TRequest">What takes turns; it holds its own place in line, so no lookup is needed per turn.</typeparam>
internal sealed class DispatchScheduler<TRequest>(int creditsPerWorker)
    where TRequest : class, ITakesTurns<TRequest>
{
    private readonly LinkedList<TRequest> _turns = new();
    private int _nextWorker;
    private object? _warm;

    /// <summary>Chunks one worker may hold at a time.</summary>
    public int CreditsPerWorker { get; } = creditsPerWorker >= 1 ? creditsPerWorker : throw new ArgumentOutOfRangeException(nameof(creditsPerWorker));

    /// <summary>Requests waiting for a turn.</summary>
    public int Waiting => _turns.Count;

    /// <summary>The requests waiting, in turn order.</summary>
    public IEnumerable<TRequest> Queue => _turns;

    /// <summary>Whether some worker has a free credit.</summary>
    public bool AnyFree<TWorker>(IReadOnlyList<TWorker> workers, Func<TWorker, int> inFlight)
    {
        foreach (var worker in workers)
        {
            if (inFlight(worker) < CreditsPerWorker)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Puts a request at the back of the line (no-op if it is in line already).</summary>
    public void Enqueue(TRequest request)
    {
        request.Turn ??= _turns.AddLast(request);
    }

    /// <summary>Puts a request at the front: work sent again after a worker was lost goes before new work.</summary>
    public void EnqueueFirst(TRequest request)
    {
        request.Turn ??= _turns.AddFirst(request);
    }

    /// <summary>Takes a request out of the line, wherever it is.</summary>
    public void Remove(TRequest request)
    {
        if (request.Turn is { } node)
        {
            _turns.Remove(node);
            request.Turn = null;
        }
    }

    /// <summary>The request whose turn it is, taken out of the line.</summary>
    public bool TryDequeue(out TRequest request)
    {
        if (_turns.First is { } first)
        {
            request = first.Value;
            Remove(request);
            return true;
        }

        request = default!;
        return false;
    }

    /// <summary>Takes out of the line, in turn order, up to <paramref name="max"/> requests that <paramref name="match"/>.</summary>
    public List<TRequest> TakeWhere(Func<TRequest, bool> match, int max)
    {
        var taken = new List<TRequest>();
        for (var node = _turns.First; node is not null && taken.Count < max;)
        {
            var next = node.Next;
            if (match(node.Value))
            {
                taken.Add(node.Value);
                _turns.Remove(node);
                node.Value.Turn = null;
            }

            node = next;
        }

        return taken;
    }

    /// <summary>
    /// A worker has just answered: its thread is awake, and it is the first choice for the next chunk while it holds
    /// none (see <see cref="NextWorker{TWorker}"/>).
    /// </summary>
    public void Answered(object worker) => _warm = worker;

    /// <summary>
    /// The worker that answered last, if it is eligible and holds no chunk; otherwise the next eligible worker with a
    /// free credit, round-robin from the one after the last chosen; null when every such worker is full (or there
    /// are none). The first rule is for calls one at a time: a worker that has just answered is still awake, while
    /// dealing each call to the next worker in turn would wake a sleeping thread every time (measured: a third of a
    /// local apply). Under load no worker is idle for long, so chunks go round-robin.
    /// </summary>
    /// <param name="workers">The workers, in a stable order.</param>
    /// <param name="inFlight">How many chunks a worker holds now.</param>
    /// <param name="eligible">Which workers may take this chunk (their node has its function); all when null.</param>
    public TWorker? NextWorker<TWorker>(IReadOnlyList<TWorker> workers, Func<TWorker, int> inFlight, Func<TWorker, bool>? eligible = null)
        where TWorker : class
    {
        if (_warm is TWorker warm && inFlight(warm) == 0 && (eligible is null || eligible(warm)) && IndexOf(workers, warm) is var at and >= 0)
        {
            // The rotation goes on after it, so a burst dealt from here still spreads over every worker.
            _nextWorker = (at + 1) % workers.Count;
            return warm;
        }

        for (var i = 0; i < workers.Count; i++)
        {
            var candidate = (_nextWorker + i) % workers.Count;
            if (inFlight(workers[candidate]) < CreditsPerWorker && (eligible is null || eligible(workers[candidate])))
            {
                _nextWorker = (candidate + 1) % workers.Count;
                return workers[candidate];
            }
        }

        return null;
    }

    private static int IndexOf<TWorker>(IReadOnlyList<TWorker> workers, TWorker worker)
        where TWorker : class
    {
        for (var i = 0; i < workers.Count; i++)
        {
            if (ReferenceEquals(workers[i], worker))
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>Something that takes turns in a <see cref="DispatchScheduler{TRequest}"/>: it holds its place in line.</summary>
/// <typeparam name="TSelf">The type itself.</typeparam>
internal interface ITakesTurns<TSelf>
{
    /// <summary>Its place in line; null when it is not waiting. Only the scheduler sets it.</summary>
    LinkedListNode<TSelf>? Turn { get; set; }
}
