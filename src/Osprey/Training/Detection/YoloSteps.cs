using Osprey.Torch.NN;
using Osprey.Torch.Optim;
using Osprey.Training.Ultralytics;

namespace Osprey.Training.Detection;

/// <summary>
/// The trainer's step policy over ultralytics' recipe (<see cref="UltralyticsRecipe"/>): its three parameter groups,
/// per-iteration warm-up and linear (or cosine) lr, warm-up momentum, accumulation to the nominal batch 64 and the
/// gradient-norm clip at 10. There is no scheduler to save: everything follows from the global iteration, and a run
/// that starts (or resumes) at iteration i takes the step decisions an uninterrupted run takes from there.
/// </summary>
public sealed class YoloSteps : IStepPolicy
{
    long next;

    public UltralyticsRecipe Recipe { get; }
    public Optimizer Optimizer => Recipe.Optimizer;
    public LrScheduler? Scheduler => null;

    public YoloSteps(UltralyticsRecipe recipe) => Recipe = recipe;

    /// <summary>ultralytics' hyperparameters from the run's options: its defaults (optimizer auto: SGD for long runs,
    /// AdamW with its fitted lr for short ones; momentum 0.937, 3 warm-up epochs, linear decay) with the options that
    /// mean the same thing in both: lrf and the weight decay. TrainOptions has no "auto" optimizer and the trainer
    /// fills lr0 in before the steps are made, so an explicit optimizer/lr0 cannot be told from the defaults yet:
    /// the detect task always resolves the optimizer by ultralytics' auto rule (which, as in ultralytics, ignores lr0).</summary>
    public static UltralyticsHyperparameters Hyperparameters(TrainOptions o) => new()
    {
        Optimizer = "auto",
        Lrf = o.Lrf,
        WeightDecay = o.WeightDecay,
    };

    public static YoloSteps Create(Module model, long numClasses, TrainOptions o, TrainingPlan plan) =>
        new(new UltralyticsRecipe(model, Hyperparameters(o), numClasses, plan.Images, plan.Batch, plan.Epochs, plan.BatchesPerEpoch));

    public void BeforeBatch(long iteration)
    {
        if (iteration != next) Recipe.ContinueAt(iteration);
        Recipe.BeforeBatch(iteration);
        next = iteration + 1;
    }

    public bool AfterBackward(long iteration) => Recipe.StepAfterBatch(iteration);
}
