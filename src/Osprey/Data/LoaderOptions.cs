namespace Osprey.Data;

/// <summary>How a <see cref="DataLoader"/> batches a dataset.</summary>
public sealed record LoaderOptions
{
    public int BatchSize { get; init; } = 32;
    /// <summary>A new order every epoch, drawn from (Seed, epoch).</summary>
    public bool Shuffle { get; init; } = true;
    /// <summary>Fixes the order and every random transform: same seed, same batches, whatever the worker count.</summary>
    public int Seed { get; init; }
    /// <summary>Threads assembling batches; 0 builds each batch on the consuming thread when it is asked for.</summary>
    public int Workers { get; init; }
    /// <summary>At most this many batches are built ahead of the consumer (with workers).</summary>
    public int Prefetch { get; init; } = 4;
    /// <summary>Drop the last batch when it is smaller than BatchSize.</summary>
    public bool DropLast { get; init; }
    /// <summary>Serve only this rank's share of each epoch's order (data-parallel training and validation); BatchSize is per rank.</summary>
    public IShardSampler? Sampler { get; init; }

    internal void Validate()
    {
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "batch size must be at least 1");
        if (Workers < 0) throw new ArgumentOutOfRangeException(nameof(Workers), Workers, "workers must be 0 or more");
        if (Prefetch < 1) throw new ArgumentOutOfRangeException(nameof(Prefetch), Prefetch, "prefetch must be at least 1");
    }
}
