namespace Osprey.Torch.Optim;

/// <summary>
/// Hyper-parameters of one parameter group. <see cref="Lr"/> is the configured (base) learning rate that
/// schedules scale; the rate the next step uses is <see cref="ParamGroup.Lr"/>. Records, so a group can
/// override a few fields of the defaults: <c>defaults with { WeightDecay = 0 }</c>.
/// </summary>
public abstract record OptimizerOptions
{
    public double Lr { get; init; } = 1e-3;
    public double WeightDecay { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public virtual void Validate()
    {
        Require(double.IsFinite(Lr) && Lr >= 0, nameof(Lr), Lr, "a finite value >= 0");
        Require(double.IsFinite(WeightDecay) && WeightDecay >= 0, nameof(WeightDecay), WeightDecay, "a finite value >= 0");
    }

    protected void Require(bool ok, string field, object value, string expected)
    {
        if (!ok) throw new ArgumentException($"{GetType().Name}.{field} = {value}: expected {expected}");
    }
}

/// <summary>torch.optim.SGD's hyper-parameters (same defaults, except that lr has one: 0.01).</summary>
public sealed record SgdOptions : OptimizerOptions
{
    public SgdOptions() => Lr = 1e-2;

    public double Momentum { get; init; }
    public double Dampening { get; init; }
    public bool Nesterov { get; init; }
    public bool Maximize { get; init; }

    public override void Validate()
    {
        base.Validate();
        Require(double.IsFinite(Momentum) && Momentum >= 0, nameof(Momentum), Momentum, "a finite value >= 0");
        Require(double.IsFinite(Dampening), nameof(Dampening), Dampening, "a finite value");
        Require(!Nesterov || (Momentum > 0 && Dampening == 0), nameof(Nesterov), Nesterov,
                "Nesterov momentum to come with Momentum > 0 and Dampening = 0");
    }
}

/// <summary>torch.optim.Adam / AdamW hyper-parameters (Adam's defaults; AdamW defaults WeightDecay to 0.01).</summary>
public sealed record AdamOptions : OptimizerOptions
{
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public double Eps { get; init; } = 1e-8;
    public bool Amsgrad { get; init; }
    public bool Maximize { get; init; }

    public override void Validate()
    {
        base.Validate();
        Require(Beta1 >= 0 && Beta1 < 1, nameof(Beta1), Beta1, "a value in [0, 1)");
        Require(Beta2 >= 0 && Beta2 < 1, nameof(Beta2), Beta2, "a value in [0, 1)");
        Require(double.IsFinite(Eps) && Eps >= 0, nameof(Eps), Eps, "a finite value >= 0");
    }
}
