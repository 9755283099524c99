using Xunit;

namespace ActorPool.Tests.EndToEnd;

/// <summary>
/// The end-to-end specs start real node processes that compete for the CPU and whose failure detectors count on
/// prompt heartbeats: they run one class at a time, after the in-process specs, never beside them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessesCollection
{
    /// <summary>The collection's name, for <c>[Collection(ProcessesCollection.Name)]</c>.</summary>
    public const string Name = "processes";
}
