namespace Osprey.Torch.NN;

/// <summary>
/// torchvision.ops.FrozenBatchNorm2d: batch norm with fixed statistics and affine parameters, all four
/// (weight, bias, running_mean, running_var) buffers, so nothing trains: y = x * scale + shift with
/// scale = weight / sqrt(running_var + eps). A checkpoint's num_batches_tracked is ignored.
/// </summary>
public sealed class FrozenBatchNorm2d : Module<Tensor, Tensor>
{
    public long NumFeatures { get; }
    public double Eps { get; }

    public Tensor Weight => Buffer("weight")!;
    public Tensor Bias => Buffer("bias")!;
    public Tensor RunningMean => Buffer("running_mean")!;
    public Tensor RunningVar => Buffer("running_var")!;

    public FrozenBatchNorm2d(long numFeatures, double eps = 1e-5)
    {
        (NumFeatures, Eps) = (numFeatures, eps);
        RegisterBuffer("weight", Tensor.Ones([numFeatures]));
        RegisterBuffer("bias", Tensor.Zeros([numFeatures]));
        RegisterBuffer("running_mean", Tensor.Zeros([numFeatures]));
        RegisterBuffer("running_var", Tensor.Ones([numFeatures]));
    }

    protected override IEnumerable<string> IgnoredStateKeys => ["num_batches_tracked"];

    public override Tensor Forward(Tensor input)
    {
        using var scope = TensorScope.Begin();
        var scale = Weight.Reshape(1, -1, 1, 1) * (RunningVar.Reshape(1, -1, 1, 1) + Eps).Rsqrt();
        var shift = Bias.Reshape(1, -1, 1, 1) - RunningMean.Reshape(1, -1, 1, 1) * scale;
        return scope.Keep(input * scale + shift);
    }

    public override string ToString() => $"FrozenBatchNorm2d({NumFeatures}, eps={Eps})";
}
