namespace Osprey.Torch.Optim;

/// <summary>
/// Parameters that share hyper-parameters, e.g. weights with decay and norms/biases without:
/// <c>[new ParamGroup(weights), new ParamGroup(biases, defaults with { WeightDecay = 0 })]</c>. The group refers to the
/// parameters; it does not own them. Options left null take the optimizer's defaults.
/// </summary>
public sealed class ParamGroup
{
    double lr = double.NaN;

    public ParamGroup(IEnumerable<Tensor> parameters, OptimizerOptions? options = null)
    {
        Params = parameters.ToArray();
        Options = options;
        if (options != null) lr = options.Lr;
    }

    public IReadOnlyList<Tensor> Params { get; }

    /// <summary>The group's hyper-parameters; Options.Lr is the base rate that schedules scale.</summary>
    public OptimizerOptions? Options { get; set; }

    /// <summary>The learning rate of the next step (set by schedules; starts at Options.Lr).</summary>
    public double Lr
    {
        get => lr;
        set
        {
            if (!double.IsFinite(value) || value < 0)
                throw new ArgumentException($"learning rate {value}: expected a finite value >= 0");
            lr = value;
        }
    }

    /// <summary>The base learning rate (Options.Lr).</summary>
    public double BaseLr => Options?.Lr ?? throw new InvalidOperationException("param group has no options yet");
}
