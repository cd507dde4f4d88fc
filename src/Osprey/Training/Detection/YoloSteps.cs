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

    /// <summary>ultralytics' hyperparameters from the run's options of the same names: optimizer (auto: SGD for long runs,
    /// AdamW with its fitted lr for short ones, ignoring lr0 and momentum as ultralytics does; sgd or adamw: lr0 and
    /// momentum as given), lr0, lrf, momentum, weight_decay, warmup_epochs, warmup_momentum, warmup_bias_lr, nbs, and
    /// cosine decay when cos_lr is true or schedule is cosine (else ultralytics' linear; TrainOptions.Validate refuses
    /// constant).</summary>
    public static UltralyticsHyperparameters Hyperparameters(TrainOptions o) => new()
    {
        Optimizer = o.Optimizer switch
        {
            OptimizerKind.Auto => "auto",
            OptimizerKind.Sgd => "SGD",
            OptimizerKind.AdamW => "AdamW",
            _ => throw new ArgumentException($"optimizer {o.Optimizer}: expected auto, sgd or adamw"),
        },
        Lr0 = o.Lr0 ?? new UltralyticsHyperparameters().Lr0,
        Lrf = o.Lrf,
        Momentum = o.Momentum,
        WeightDecay = o.WeightDecay,
        WarmupEpochs = o.WarmupEpochs,
        WarmupMomentum = o.WarmupMomentum,
        WarmupBiasLr = o.WarmupBiasLr,
        Nbs = o.Nbs,
        CosLr = o.CosLr || o.Schedule == ScheduleKind.Cosine,
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
