using Osprey.Torch;
using Osprey.Torch.NN;
using Osprey.Torch.Optim;

namespace Osprey.Models.Detection.Detr;

/// <summary>
/// DETR's training recipe as facebookresearch/detr's main.py runs it: AdamW over two parameter groups — every
/// trainable parameter outside the backbone at <see cref="Lr"/> (1e-4) and the trainable backbone at
/// <see cref="BackboneLr"/> (1e-5), all with weight decay <see cref="WeightDecay"/> (1e-4, biases and norms
/// included) — the gradients clipped to a joint norm of <see cref="ClipMaxNorm"/> (0.1) before each step, and
/// StepLR multiplying both rates by 0.1 every <see cref="LrDrop"/> epochs (200 of the paper's 300).
/// </summary>
public sealed record DetrRecipe
{
    public double Lr { get; init; } = 1e-4;
    public double BackboneLr { get; init; } = 1e-5;
    public double WeightDecay { get; init; } = 1e-4;
    /// <summary>Joint gradient norm the step clips to; 0 switches clipping off, as the official --clip_max_norm 0.</summary>
    public double ClipMaxNorm { get; init; } = 0.1;
    /// <summary>Epochs between learning-rate drops (the scheduler steps once per epoch).</summary>
    public long LrDrop { get; init; } = 200;

    public void Validate()
    {
        if (!(Lr >= 0) || !(BackboneLr >= 0) || !double.IsFinite(Lr) || !double.IsFinite(BackboneLr))
            throw new ArgumentException($"DetrRecipe: learning rates must be finite and >= 0, got lr {Lr}, backbone lr {BackboneLr}");
        if (!(WeightDecay >= 0)) throw new ArgumentException($"DetrRecipe: weight decay must be >= 0, got {WeightDecay}");
        if (!(ClipMaxNorm >= 0)) throw new ArgumentException($"DetrRecipe: clip max norm must be >= 0, got {ClipMaxNorm}");
        if (LrDrop < 1) throw new ArgumentException($"DetrRecipe: lr drop must be at least 1 epoch, got {LrDrop}");
    }

    /// <summary>
    /// The official groups, in its order: trainable parameters whose name does not contain "backbone", then those
    /// that do (at <see cref="BackboneLr"/>). Frozen parameters are in neither. An empty backbone group is left out.
    /// </summary>
    public IReadOnlyList<ParamGroup> ParameterGroups(Module model)
    {
        Validate();
        var trainable = model.NamedParameters().Where(p => p.Tensor.RequiresGrad).ToList();
        var rest = trainable.Where(p => !p.Name.Contains("backbone")).Select(p => p.Tensor).ToArray();
        var backbone = trainable.Where(p => p.Name.Contains("backbone")).Select(p => p.Tensor).ToArray();
        if (rest.Length == 0) throw new ArgumentException("DetrRecipe: the model has no trainable parameter outside the backbone");
        var defaults = Defaults();
        var groups = new List<ParamGroup> { new(rest, defaults) };
        if (backbone.Length > 0) groups.Add(new ParamGroup(backbone, defaults with { Lr = BackboneLr }));
        return groups;
    }

    AdamOptions Defaults() => new() { Lr = Lr, WeightDecay = WeightDecay };

    public AdamW CreateOptimizer(Module model) => new(ParameterGroups(model), Defaults());

    /// <summary>StepLR(step_size = <see cref="LrDrop"/>, gamma 0.1); call <see cref="LrScheduler.Step"/> once per epoch.</summary>
    public LrScheduler CreateScheduler(Optimizer optimizer) => new(optimizer, new StepSchedule(LrDrop, 0.1));

    /// <summary>
    /// One optimizer step as engine.train_one_epoch: zero the gradients, back-propagate <paramref name="loss"/>,
    /// then <see cref="ClipAndStep"/>. Returns the joint gradient norm before clipping.
    /// </summary>
    public double Step(Module model, Optimizer optimizer, Tensor loss)
    {
        optimizer.ZeroGrad();
        loss.Backward();
        return ClipAndStep(model, optimizer);
    }

    /// <summary>
    /// Clips the gradients of all of <paramref name="model"/>'s parameters to a joint norm of <see cref="ClipMaxNorm"/>
    /// (when > 0) and steps. Returns the joint gradient norm before clipping (NaN when clipping is off).
    /// </summary>
    public double ClipAndStep(Module model, Optimizer optimizer)
    {
        double norm = ClipMaxNorm > 0 ? GradClip.ClipGradNorm(model.Parameters(), ClipMaxNorm) : double.NaN;
        optimizer.Step();
        return norm;
    }
}
