using Osprey.Models.Detection.Detr;
using Osprey.Torch.NN;
using Osprey.Torch.Optim;

namespace Osprey.Training.Detection;

/// <summary>
/// DETR's steps as main.py takes them: <see cref="DetrRecipe"/>'s AdamW groups (transformer and heads at lr0, the
/// trainable backbone at a tenth of it, weight decay 1e-4), the joint gradient norm clipped to 0.1, and StepLR's drop
/// by 10 after two thirds of the epochs (the paper: 200 of 300), applied per iteration at the epoch boundary.
/// </summary>
public sealed class DetrSteps(Module model, DetrRecipe recipe, Optimizer optimizer, LrScheduler scheduler) : IStepPolicy
{
    public Optimizer Optimizer => optimizer;
    public LrScheduler? Scheduler => scheduler;
    public DetrRecipe Recipe => recipe;

    public static DetrSteps Create(Module model, TrainOptions o, TrainingPlan plan)
    {
        double lr = o.Lr0 ?? new DetrRecipe().Lr;
        // The official backbone rate (a tenth) protects pretrained weights; a backbone trained from scratch has none.
        double backboneLr = model is Detr { Options.FrozenBackboneNorm: false } ? lr : lr / 10;
        var recipe = new DetrRecipe { Lr = lr, BackboneLr = backboneLr, WeightDecay = o.WeightDecay, ClipMaxNorm = o.GradClip, LrDrop = Math.Max(1, (long)Math.Round(o.Epochs * 2.0 / 3)) };
        var optimizer = recipe.CreateOptimizer(model);
        var scheduler = new LrScheduler(optimizer, new StepSchedule(recipe.LrDrop * plan.BatchesPerEpoch, 0.1));
        return new DetrSteps(model, recipe, optimizer, scheduler);
    }

    public void BeforeBatch(long iteration) { }

    public bool AfterBackward(long iteration)
    {
        recipe.ClipAndStep(model, optimizer);
        optimizer.ZeroGrad();
        scheduler.Step();
        return true;
    }
}
