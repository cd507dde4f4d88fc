namespace Osprey.Inference;

/// <summary>
/// How a model is prepared to run for inference (<see cref="InferencePreparation.Prepare"/>). Every mode runs in eval
/// mode under ATen's inference mode; they differ in what is rewritten before the first batch.
/// </summary>
public enum InferenceMode
{
    /// <summary>The model as trained: BatchNorms apart, contiguous (NCHW) weights.</summary>
    Plain,
    /// <summary>Every conv + BatchNorm folded and the convolution weights channels-last (NHWC), so oneDNN runs its
    /// channels-last kernels from the first convolution on; outputs equal the plain path's within float32 rounding.</summary>
    Fast,
}
