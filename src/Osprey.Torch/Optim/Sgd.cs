namespace Osprey.Torch.Optim;

/// <summary>
/// Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay, computed
/// as torch.optim.SGD 1.13 (single-tensor path): d = grad + wd * p; the first step with momentum sets
/// buf = d; later buf = momentum * buf + (1 - dampening) * d; Nesterov uses d + momentum * buf; p -= lr * d.
/// </summary>
public sealed class Sgd : Optimizer
{
    const string MomentumBuffer = "momentum_buffer";
    static readonly string[] WithMomentum = [MomentumBuffer];

    public Sgd(IEnumerable<Tensor> parameters, SgdOptions options) : this([new ParamGroup(parameters)], options) { }

    public Sgd(IEnumerable<ParamGroup> groups, SgdOptions defaults) : base(groups, defaults) { }

    public override string TypeName => "SGD";
    protected override Type OptionsType => typeof(SgdOptions);
    protected override bool HasStepCount => false;

    protected override IReadOnlyList<string> StateNames(OptimizerOptions options) =>
        ((SgdOptions)options).Momentum != 0 ? WithMomentum : [];

    protected override void Update(ParamGroup group, Tensor param, Tensor grad, ParamState state)
    {
        var o = (SgdOptions)group.Options!;
        var d = o.Maximize ? grad.Neg() : grad;
        if (o.WeightDecay != 0) d = d.Add(param, o.WeightDecay);
        if (o.Momentum != 0)
        {
            var buf = state[MomentumBuffer];
            if (buf is null) buf = state.Set(MomentumBuffer, d.Clone());
            else buf.MulInPlace(o.Momentum).AddInPlace(d, 1 - o.Dampening);
            d = o.Nesterov ? d.Add(buf, o.Momentum) : buf;
        }
        param.AddInPlace(d, -group.Lr);
    }
}
