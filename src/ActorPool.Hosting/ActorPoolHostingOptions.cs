namespace ActorPool.Hosting;

/// <summary>
/// The pool a host runs: <see cref="PoolOptions"/> as settable properties, so they bind from the <c>ActorPool</c>
/// section of <c>IConfiguration</c> (appsettings.json, environment variables <c>ActorPool__Processes</c>, …). A
/// property left null keeps <see cref="PoolOptions"/>' default.
/// </summary>
public sealed class ActorPoolHostingOptions
{
    /// <summary>The configuration section <see cref="ActorPoolHostingExtensions.AddActorPool"/> binds: <c>ActorPool</c>.</summary>
    public const string SectionName = "ActorPool";

    /// <summary>
    /// Workers of an in-process pool (<see cref="PoolOptions.Processes"/>); <see cref="Environment.ProcessorCount"/>
    /// when null. Leave it null in a cluster member: its pool uses the workers the nodes own, and refuses this.
    /// </summary>
    public int? Processes { get; set; }

    /// <summary>Chunks a worker runs before a fresh one replaces it (<see cref="PoolOptions.MaxTasksPerChild"/>); in-process pools only.</summary>
    public int? MaxTasksPerChild { get; set; }

    /// <summary>Chunk size for maps that name none (<see cref="PoolOptions.ChunkSize"/>).</summary>
    public int? ChunkSize { get; set; }

    /// <summary>Deadline for every call (<see cref="PoolOptions.TaskTimeout"/>), e.g. <c>"00:00:30"</c> in configuration.</summary>
    public TimeSpan? TaskTimeout { get; set; }

    /// <summary>Runs once in each worker before its first task (<see cref="PoolOptions.Initializer"/>); code only, in-process pools only.</summary>
    public Action? Initializer { get; set; }

    /// <summary>The <see cref="PoolOptions"/> these stand for; only the properties that were set are passed on.</summary>
    internal PoolOptions ToPoolOptions()
    {
        var options = new PoolOptions
        {
            MaxTasksPerChild = MaxTasksPerChild,
            ChunkSize = ChunkSize,
            TaskTimeout = TaskTimeout,
            Initializer = Initializer,
        };
        // PoolOptions tells a Processes that was given from one that was not: a cluster pool refuses only the former.
        return Processes is { } processes ? options with { Processes = processes } : options;
    }

    /// <summary>A copy, so that a setup handed to the actor system no longer changes with the caller's object.</summary>
    internal ActorPoolHostingOptions Copy() => (ActorPoolHostingOptions)MemberwiseClone();
}
