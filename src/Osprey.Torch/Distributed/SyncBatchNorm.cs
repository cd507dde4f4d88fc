using Osprey.Torch.NN;

namespace Osprey.Torch.Distributed;

/// <summary>
/// torch.nn.SyncBatchNorm.convert_sync_batchnorm for Osprey's models: every <see cref="BatchNorm2d"/> of a module
/// normalises training batches with the statistics of all ranks' batches (<see cref="ProcessGroup.SyncBatchNorm"/>),
/// as the PSPNet paper trains. The layers stay BatchNorm2d (same state-dict names as torch's SyncBatchNorm), so
/// checkpoints and eval are unchanged.
/// </summary>
public static class SyncBatchNorm
{
    /// <summary>Synchronizes every BatchNorm2d of <paramref name="module"/> over <paramref name="group"/> (null: none);
    /// returns how many layers it set.</summary>
    public static int Convert(Module module, ProcessGroup? group)
    {
        int count = 0;
        foreach (var bn in module.Modules().OfType<BatchNorm2d>())
        {
            bn.SyncGroup = group;
            count++;
        }
        return count;
    }
}
