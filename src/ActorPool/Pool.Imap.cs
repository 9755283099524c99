using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using ActorPool.Internal;
using Akka.Actor;

namespace ActorPool;

public sealed partial class Pool
{
    /// <summary>Segments a stream keeps in flight: one being read while the next is computed.</summary>
    private const int StreamWindow = 2;

    /// <summary>
    /// Applies <paramref name="function"/> to every item and streams the results in input order as they are ready.
    /// Like <c>pool.imap(f, items, chunksize)</c>. The input is read lazily, a bounded window at a time, so an
    /// endless or huge input streams in constant memory.
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <typeparam name="TResult">The function's result.</typeparam>
    /// <param name="function">A static <see cref="PoolFunctionAttribute"/> method, or (in-process pools) any delegate.</param>
    /// <param name="items">The input; an exception it throws surfaces as itself after the results before it.</param>
    /// <param name="chunkSize">Items per chunk (1 by default, as in CPython).</param>
    /// <param name="progress">Told how far the call has come as chunks finish (see <see cref="PoolProgress"/>); on success the last report counts every item and comes before the call completes.</param>
    /// <param name="cancellationToken">Stops the stream and the work behind it.</param>
    /// <returns>The results, in input order.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkSize"/> is less than 1.</exception>
    /// <exception cref="PoolClosedException">The pool is closed or terminated.</exception>
    public IAsyncEnumerable<TResult> Imap<T, TResult>(Func<T, TResult> function, IEnumerable<T> items, int chunkSize = 1,
        IProgress<PoolProgress>? progress = null, CancellationToken cancellationToken = default) =>
        StartStream(DelegateFunctions.For(function, function, typeof(T)), items, chunkSize, ordered: true, cancellationToken, progress);

    /// <summary>Like <see cref="Imap{T, TResult}(Func{T, TResult}, IEnumerable{T}, int, IProgress{PoolProgress}, CancellationToken)"/>, but yields results as they complete, in any order. Like <c>pool.imap_unordered(f, items, chunksize)</c>.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <typeparam name="TResult">The function's result.</typeparam>
    /// <param name="function">A static <see cref="PoolFunctionAttribute"/> method, or (in-process pools) any delegate.</param>
    /// <param name="items">The input, read lazily; an exception it throws surfaces as itself.</param>
    /// <param name="chunkSize">Items per chunk (1 by default, as in CPython).</param>
    /// <param name="progress">Told how far the call has come as chunks finish (see <see cref="PoolProgress"/>); on success the last report counts every item and comes before the call completes.</param>
    /// <param name="cancellationToken">Stops the stream and the work behind it.</param>
    /// <returns>The results, in completion order.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkSize"/> is less than 1.</exception>
    /// <exception cref="PoolClosedException">The pool is closed or terminated.</exception>
    public IAsyncEnumerable<TResult> ImapUnordered<T, TResult>(Func<T, TResult> function, IEnumerable<T> items, int chunkSize = 1,
        IProgress<PoolProgress>? progress = null, CancellationToken cancellationToken = default) =>
        StartStream(DelegateFunctions.For(function, function, typeof(T)), items, chunkSize, ordered: false, cancellationToken, progress);

    /// <summary>
    /// Streams a registered function, named on the wire, over loosely typed items, in input order: for callers that
    /// know the function only at run time (a command line, a script). Items are converted to the function's
    /// parameter types where it is registered (numbers between numeric types, strings parsed).
    /// </summary>
    /// <param name="function">The wire name of a <see cref="PoolFunctionAttribute"/> method.</param>
    /// <param name="items">One item per call; a tuple or <c>object[]</c> for a function of several parameters.</param>
    /// <param name="chunkSize">Items per chunk (1 by default, as in CPython).</param>
    /// <param name="progress">Told how far the stream has come as chunks finish (see <see cref="PoolProgress"/>); on success the last report counts every item and comes before the stream ends.</param>
    /// <param name="cancellationToken">Stops the stream and the work behind it.</param>
    /// <returns>The results, in input order.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkSize"/> is less than 1.</exception>
    /// <exception cref="PoolClosedException">The pool is closed or terminated.</exception>
    public IAsyncEnumerable<object?> Imap(string function, IEnumerable<object?> items, int chunkSize = 1, IProgress<PoolProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(function);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        EnsureOpen();
        return Stream<object?, object?>(items, chunkSize, ordered: true,
            (id, arguments, mode) => new Submit(id, function, arguments, mode, _inbox)
            {
                ChunkSize = chunkSize, Timeout = _options.TaskTimeout, ReportProgress = progress is not null,
            },
            progress, cancellationToken);
    }

    private IAsyncEnumerable<TResult> StartStream<T, TResult>(FunctionInvoker<T, TResult> invoker, IEnumerable<T> items, int chunkSize, bool ordered,
        CancellationToken cancellationToken, IProgress<PoolProgress>? progress)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        EnsureOpen();
        return Stream<T, TResult>(items, chunkSize, ordered, (id, arguments, mode) => Request(id, invoker, arguments, chunkSize, mode, progress is not null),
            progress, cancellationToken);
    }

    private async IAsyncEnumerable<TResult> Stream<T, TResult>(IEnumerable<T> items, int chunkSize, bool ordered,
        Func<long, T[], ReplyMode, Submit> request, IProgress<PoolProgress>? progress, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The input's length, where it is known without reading it; otherwise the total is known when the input ends.
        var reporter = progress is null ? null : new ProgressReporter(progress, KnownCount(items));
        // A segment holds enough chunks to keep every worker busy twice over; each is one streaming request.
        var workers = Math.Max(Processes, await CountWorkersAsync(cancellationToken).ConfigureAwait(false));
        var segmentSize = (int)Math.Min(Math.Max((long)chunkSize * workers * 2, chunkSize), Math.Max(chunkSize, 1 << 20));
        var events = Channel.CreateUnbounded<StreamEvent<TResult>>(new UnboundedChannelOptions { SingleReader = true });
        var segments = new LinkedList<StreamSegment<TResult>>();
        var byId = new Dictionary<long, StreamSegment<TResult>>();
        var mode = ordered ? ReplyMode.OrderedStream : ReplyMode.UnorderedStream;
        // The stream is one call while it runs: Join waits for it, Terminate fails it, and it feeds on after Close.
        var guard = new StreamCall<TResult>(events.Writer, items: 0, ordered);
        _calls.Add(guard);
        using var input = items.GetEnumerator();
        ExceptionDispatchInfo? inputFailure = null;
        var inputDone = false;
        var totalKnown = false;
        long sent = 0;
        try
        {
            while (true)
            {
                while (!inputDone && segments.Count < StreamWindow)
                {
                    var batch = new List<T>(Math.Min(segmentSize, 1 << 16));
                    try
                    {
                        while (batch.Count < segmentSize && (inputDone = !input.MoveNext()) == false)
                        {
                            batch.Add(input.Current);
                        }
                    }
                    catch (Exception ex)
                    {
                        inputFailure = ExceptionDispatchInfo.Capture(ex);
                        inputDone = true;
                    }

                    if (batch.Count > 0)
                    {
                        if (Volatile.Read(ref _state) == Terminated)
                        {
                            throw new PoolClosedException("The pool was terminated before this stream finished.");
                        }

                        var arguments = batch.ToArray();
                        var call = new StreamCall<TResult>(events.Writer, arguments.Length, ordered, reporter);
                        Send(call, id => request(id, arguments, mode) with { AdmittedBeforeClose = true }, Task.CompletedTask, CancellationToken.None);
                        var segment = new StreamSegment<TResult>(call.Id, sent);
                        sent += arguments.Length;
                        segments.AddLast(segment);
                        byId[call.Id] = segment;
                    }
                }

                if (inputDone && reporter is not null && !totalKnown)
                {
                    reporter.Total(sent);
                    totalKnown = true;
                }

                if (segments.First is not { } head)
                {
                    break;
                }

                if (ordered && head.Value.TryNext(out var values, out var failure))
                {
                    if (failure is not null)
                    {
                        head.Value.Throw(failure);
                    }

                    if (values is null)
                    {
                        segments.RemoveFirst();
                        byId.Remove(head.Value.Id);
                        continue;
                    }

                    foreach (var value in values)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        yield return value;
                    }

                    continue;
                }

                var next = await events.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (!byId.TryGetValue(next.Segment, out var owner))
                {
                    if (next.Segment == guard.Id && next.Failure is not null)
                    {
                        ExceptionDispatchInfo.Throw(next.Failure);
                    }

                    continue;
                }

                if (ordered)
                {
                    owner.Add(next);
                    continue;
                }

                if (next.Failure is not null)
                {
                    owner.Throw(next.Failure);
                }

                if (next.IsEnd)
                {
                    segments.Remove(owner);
                    byId.Remove(owner.Id);
                    continue;
                }

                foreach (var value in next.Values!)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    yield return value;
                }
            }

            inputFailure?.Throw();
            if (reporter is not null)
            {
                await reporter.Flushed().ConfigureAwait(false);
            }
        }
        finally
        {
            // After the last report of a stream that succeeded, or a failure or an early stop: no more reports.
            reporter?.Close();

            // The consumer stopped early, failed or was cancelled: stop the work still in flight.
            foreach (var segment in segments)
            {
                if (_calls.Take(segment.Id) is not null)
                {
                    CancelAt(segment.Id);
                }
            }

            _calls.Take(guard.Id);
        }
    }

    /// <summary>The number of items, when the input knows it without being read (a collection, a sized LINQ query); null otherwise.</summary>
    private static long? KnownCount<T>(IEnumerable<T> items) => items switch
    {
        IReadOnlyCollection<T> collection => collection.Count,
        ICollection<T> collection => collection.Count,
        _ when items.TryGetNonEnumeratedCount(out var count) => count,
        _ => null,
    };

    /// <summary>
    /// The workers behind this pool's router: across a cluster there are more than <see cref="Processes"/> (the
    /// workers per node). A router elsewhere is not asked; <see cref="Processes"/> stands.
    /// </summary>
    private async Task<int> CountWorkersAsync(CancellationToken cancellationToken)
    {
        if (!_ownsRouter)
        {
            return Processes;
        }

        try
        {
            return (await Router.Ask<WorkerCount>(CountWorkers.Instance, TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false)).Workers;
        }
        catch (AskTimeoutException)
        {
            return Processes;
        }
    }
}
