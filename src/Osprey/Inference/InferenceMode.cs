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
    /// <summary>The fast path with every forward under bfloat16 CPU autocast (convolutions, linears and matmuls in
    /// bf16, ATen's precision-sensitive operators in float32) and the outputs returned as float32. Opt-in: fast only
    /// where oneDNN has bf16 kernels (AVX-512 BW/VL/DQ, native with AVX512-BF16 or AMX; <c>osprey doctor</c> says),
    /// and it changes results by the bf16 rounding of every product (bench/RESULTS.md, reduced-precision).</summary>
    Bf16,
    /// <summary>Post-training static int8 (<see cref="Int8.Int8ResNet"/>): the ResNet and SE-ResNet classifiers, calibrated
    /// on batches of training images; opt-in, with its accuracy cost (bench/RESULTS.md, reduced-precision).</summary>
    Int8,
}
