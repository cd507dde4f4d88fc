namespace Osprey.Torch.NN;

/// <summary>
/// A module holding convolutions each directly followed by a BatchNorm that it can fold into the convolution for
/// inference (<see cref="BatchNormFolding.FoldBatchNorms"/> finds these in a module tree).
/// </summary>
public interface IBatchNormFoldable
{
    /// <summary>Folds this module's own conv + BatchNorm pairs (not its children's); returns how many it folded.
    /// Idempotent: a second call folds nothing.</summary>
    int FoldOwnBatchNorms();
}
