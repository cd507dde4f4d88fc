namespace Osprey.Torch.Optim;

/// <summary>
/// Adam (L2 weight decay added to the gradient) as torch.optim.Adam 1.13 computes it in its single-tensor
/// path, float32 operation for operation: moments by mul_/add_/addcmul_, bias corrections in double,
/// denom = sqrt(v) / sqrt(1 - beta2^t) + eps, p += -(lr / (1 - beta1^t)) * m / denom. Optional AMSGrad.
/// </summary>
public class Adam : Optimizer
{
    const string ExpAvg = "exp_avg", ExpAvgSq = "exp_avg_sq", MaxExpAvgSq = "max_exp_avg_sq";
    static readonly string[] Plain = [ExpAvg, ExpAvgSq], WithAmsgrad = [ExpAvg, ExpAvgSq, MaxExpAvgSq];

    public Adam(IEnumerable<Tensor> parameters, AdamOptions? options = null) : this([new ParamGroup(parameters)], options) { }

    public Adam(IEnumerable<ParamGroup> groups, AdamOptions? defaults = null) : this(groups, defaults ?? new AdamOptions(), decoupled: false) { }

    private protected Adam(IEnumerable<ParamGroup> groups, AdamOptions defaults, bool decoupled) : base(groups, defaults) =>
        Decoupled = decoupled;

    /// <summary>True for AdamW: weight decay scales the parameter (p *= 1 - lr * wd) instead of adding to the gradient.</summary>
    public bool Decoupled { get; }

    public override string TypeName => "Adam";
    protected override Type OptionsType => typeof(AdamOptions);
    protected override bool HasStepCount => true;

    protected override IReadOnlyList<string> StateNames(OptimizerOptions options) =>
        ((AdamOptions)options).Amsgrad ? WithAmsgrad : Plain;

    protected override void Update(ParamGroup group, Tensor param, Tensor grad, ParamState state)
    {
        var o = (AdamOptions)group.Options!;
        double lr = group.Lr;
        if (state.Step is null)
        {
            state.Step = 0;
            state.Set(ExpAvg, param.ZerosLike());
            state.Set(ExpAvgSq, param.ZerosLike());
            if (o.Amsgrad) state.Set(MaxExpAvgSq, param.ZerosLike());
        }
        var g = o.Maximize ? grad.Neg() : grad;
        var step = (double)(++state.Step).Value;
        if (Decoupled) param.MulInPlace(1 - lr * o.WeightDecay);
        else if (o.WeightDecay != 0) g = g.Add(param, o.WeightDecay);

        var expAvg = state[ExpAvg]!;
        var expAvgSq = state[ExpAvgSq]!;
        expAvg.MulInPlace(o.Beta1).AddInPlace(g, 1 - o.Beta1);
        expAvgSq.MulInPlace(o.Beta2).AddcmulInPlace(g, g, 1 - o.Beta2);

        double biasCorrection1 = 1 - Math.Pow(o.Beta1, step);
        double biasCorrection2 = 1 - Math.Pow(o.Beta2, step);
        double stepSize = lr / biasCorrection1;
        double biasCorrection2Sqrt = Math.Sqrt(biasCorrection2);

        var second = expAvgSq;
        if (o.Amsgrad)
        {
            second = state[MaxExpAvgSq] ?? throw new InvalidOperationException($"Adam state lacks {MaxExpAvgSq} (AMSGrad switched on after the first step)");
            second.CopyFrom(second.Maximum(expAvgSq));
        }
        var denom = second.Sqrt().Div(biasCorrection2Sqrt).AddInPlace(o.Eps);
        param.AddcdivInPlace(expAvg, denom, -stepSize);
    }
}

/// <summary>
/// AdamW: Adam with decoupled weight decay (p *= 1 - lr * wd before the moment update), as
/// torch.optim.AdamW 1.13's single-tensor path. Default weight decay 0.01, as PyTorch.
/// </summary>
public sealed class AdamW : Adam
{
    public AdamW(IEnumerable<Tensor> parameters, AdamOptions? options = null) : this([new ParamGroup(parameters)], options) { }

    public AdamW(IEnumerable<ParamGroup> groups, AdamOptions? defaults = null)
        : base(groups, defaults ?? new AdamOptions { WeightDecay = 1e-2 }, decoupled: true) { }

    public override string TypeName => "AdamW";
}
