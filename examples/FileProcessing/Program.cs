// A file-processing map with progress: count the lines and words of every file under a folder, a file per item,
// printing how far the map has come as files finish.
// Run: dotnet run --project examples/FileProcessing [-- FOLDER]   (without a folder it writes 400 sample files to a temporary one)
using ActorPool;

var folder = args.Length > 0 ? args[0] : SampleFiles.Write(count: 400);
var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
Console.WriteLine($"counting {files.Count:N0} files under {folder}");

await using var pool = Pool.Create(new PoolOptions());
// Small chunks: progress advances a chunk at a time, and a file is already a good-sized piece of work.
var counts = await pool.MapAsync(FileStats.Count, files, chunkSize: 4, progress: new ConsoleProgress());

Console.WriteLine($"{counts.Sum(c => c.Lines):N0} lines, {counts.Sum(c => c.Words):N0} words");
foreach (var (file, count) in files.Zip(counts).OrderByDescending(p => p.Second.Words).Take(3))
{
    Console.WriteLine($"  {Path.GetFileName(file)}: {count.Words:N0} words");
}

if (args.Length == 0)
{
    Directory.Delete(folder, recursive: true);
}

/// <summary>The work: one file in, its counts out.</summary>
public static class FileStats
{
    /// <summary>Counts the lines and words of one file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>Its counts.</returns>
    [PoolFunction("file-stats")]
    public static Counts Count(string path)
    {
        long lines = 0, words = 0;
        foreach (var line in File.ReadLines(path))
        {
            lines++;
            words += line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        }

        return new Counts(lines, words);
    }
}

/// <summary>A file's counts (a record: on a cluster it would cross between nodes as it is).</summary>
/// <param name="Lines">Lines in the file.</param>
/// <param name="Words">Words, separated by spaces.</param>
public sealed record Counts(long Lines, long Words);

/// <summary>
/// Prints each report on one line of stderr, redrawn in place. The pool hands reports over one at a time and in
/// order; <see cref="Progress{T}"/> would post each to the thread pool, where they may overtake one another.
/// </summary>
internal sealed class ConsoleProgress : IProgress<PoolProgress>
{
    public void Report(PoolProgress value)
    {
        Console.Error.Write($"\r{value}   ");
        if (value.Done == value.Total)
        {
            Console.Error.WriteLine();
        }
    }
}

internal static class SampleFiles
{
    public static string Write(int count)
    {
        var folder = Directory.CreateTempSubdirectory("actorpool-files-").FullName;
        var random = new Random(42);
        string[] words = ["actor", "pool", "map", "chunk", "worker", "router", "node", "cluster", "result", "order"];
        for (var i = 0; i < count; i++)
        {
            var lines = Enumerable.Range(0, random.Next(50, 500))
                .Select(_ => string.Join(' ', Enumerable.Range(0, random.Next(3, 15)).Select(_ => words[random.Next(words.Length)])));
            File.WriteAllLines(Path.Combine(folder, $"file-{i:D4}.txt"), lines);
        }

        return folder;
    }
}
