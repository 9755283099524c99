using Xunit;

namespace ActorPool.Tests.Cluster;

/// <summary>Cluster specs run one class at a time: each forms a cluster of three systems on a 2-core machine.</summary>
[CollectionDefinition("cluster", DisableParallelization = true)]
public sealed class ClusterCollection;
