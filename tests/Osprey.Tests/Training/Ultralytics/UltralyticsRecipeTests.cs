using System.Text.Json.Nodes;
using Osprey.Models;
using Osprey.Models.Detection.Yolo;
using Osprey.Torch.NN;
using Osprey.Torch.Optim;
using Osprey.Torch.Tests;
using Osprey.Training.Ultralytics;

namespace Osprey.Tests.Training.Ultralytics;

/// <summary>
/// The optimizer recipe against ultralytics 8.3.59's own BaseTrainer.build_optimizer and _setup_scheduler run on
/// yolo11n (80 classes) and its training loop's warm-up rule (tools/reference/yolo_loss_reference.py, written to
/// tests/fixtures/yolo_recipe.json): the three groups hold the same parameters in the same order; for five runs
/// (explicit SGD, auto choosing AdamW and SGD, AdamW without warm-up, a batch of 24) the chosen optimizer, its group
/// settings, accumulation, scaled decay, auto's iteration count and warm-up length equal, and each group's lr and
/// momentum at the sampled iterations within 1e-12 relative.
/// </summary>
public class UltralyticsRecipeTests
{
    static readonly JsonNode Recipe = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "yolo_recipe.json")))!;

    static YoloModel Yolo11n() => (YoloModel)ModelRegistry.Create("yolo11n", new ModelArgs(NumClasses: (long)Recipe["nc"]!));

    [Fact]
    public void DefaultsAreUltralytics()
    {
        var d = Recipe["defaults"]!;
        var h = new UltralyticsHyperparameters();
        Assert.Equal((string)d["optimizer"]!, h.Optimizer);
        Assert.Equal(((double)d["lr0"]!, (double)d["lrf"]!, (double)d["momentum"]!, (double)d["weight_decay"]!),
                     (h.Lr0, h.Lrf, h.Momentum, h.WeightDecay));
        Assert.Equal(((double)d["warmup_epochs"]!, (double)d["warmup_momentum"]!, (double)d["warmup_bias_lr"]!, (int)d["nbs"]!, (bool)d["cos_lr"]!),
                     (h.WarmupEpochs, h.WarmupMomentum, h.WarmupBiasLr, h.Nbs, h.CosLr));
    }

    [Fact]
    public void GroupsHoldTheSameParametersInTheSameOrder()
    {
        using var model = Yolo11n();
        var groups = UltralyticsParameterGroups.Of(model);
        var expected = Recipe["groups"]!;
        Assert.Equal(expected["biases"]!.AsArray().Select(n => (string)n!), groups.Biases.Select(p => p.Name));
        Assert.Equal(expected["weights"]!.AsArray().Select(n => (string)n!), groups.Weights.Select(p => p.Name));
        Assert.Equal(expected["norm_weights"]!.AsArray().Select(n => (string)n!), groups.NormWeights.Select(p => p.Name));
        Assert.Equal((87, 88, 81), (groups.Biases.Count, groups.Weights.Count, groups.NormWeights.Count));
    }

    public static TheoryData<string> Runs() => new(Recipe["runs"]!.AsArray().Select(r => (string)r!["name"]!));

    static UltralyticsHyperparameters Hyperparameters(JsonNode overrides)
    {
        var h = new UltralyticsHyperparameters();
        foreach (var (key, value) in overrides.AsObject())
            h = key switch
            {
                "optimizer" => h with { Optimizer = (string)value! },
                "cos_lr" => h with { CosLr = (bool)value! },
                "warmup_epochs" => h with { WarmupEpochs = (double)value! },
                "lr0" => h with { Lr0 = (double)value! },
                "lrf" => h with { Lrf = (double)value! },
                "epochs" => h,
                _ => throw new InvalidDataException($"yolo_recipe.json: override '{key}' is not mapped"),
            };
        return h;
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void OptimizerAndScheduleEqualUltralytics(string name)
    {
        var run = Recipe["runs"]!.AsArray().Single(r => (string)r!["name"]! == name)!;
        var h = Hyperparameters(run["overrides"]!);
        int epochs = (int)run["overrides"]!["epochs"]!, batch = (int)run["batch"]!;
        long batches = (long)run["batches_per_epoch"]!;

        Assert.Equal((int)run["accumulate"]!, UltralyticsOptimizer.Accumulation(batch, h.Nbs));
        Assert.Equal((double)run["weight_decay"]!, UltralyticsOptimizer.ScaledWeightDecay(h, batch), 15);
        var iterations = UltralyticsOptimizer.AutoIterations((long)run["dataset_size"]!, batch, epochs, h.Nbs);
        Assert.Equal((long)run["iterations"]!, iterations);
        var choice = UltralyticsOptimizer.Choose(h, (long)Recipe["nc"]!, iterations);
        Assert.Equal((string)run["optimizer"]!, choice.Name);
        Assert.Equal((double)run["warmup_bias_lr"]!, choice.WarmupBiasLr);

        using var model = Yolo11n();
        using var optimizer = UltralyticsOptimizer.Create(model, choice, UltralyticsOptimizer.ScaledWeightDecay(h, batch));
        Assert.Equal((string)run["optimizer"]!, optimizer.TypeName);
        var expectedGroups = run["groups"]!.AsArray();
        Assert.Equal(expectedGroups.Count, optimizer.ParamGroups.Count);
        for (int g = 0; g < expectedGroups.Count; g++)
        {
            var (e, group) = (expectedGroups[g]!, optimizer.ParamGroups[g]);
            Assert.Equal((double)e["initial_lr"]!, group.BaseLr, 15);
            Assert.Equal((double)e["weight_decay"]!, group.Options!.WeightDecay, 15);
            switch (group.Options)
            {
                case SgdOptions sgd:
                    Assert.Equal(((double)e["momentum"]!, (bool)e["nesterov"]!, (double)e["dampening"]!), (sgd.Momentum, sgd.Nesterov, sgd.Dampening));
                    break;
                case AdamOptions adam:
                    Assert.Equal(((double)e["betas"]![0]!, (double)e["betas"]![1]!, (double)e["eps"]!, (bool)e["amsgrad"]!),
                                 (adam.Beta1, adam.Beta2, adam.Eps, adam.Amsgrad));
                    break;
                default:
                    Assert.Fail($"group {g}: unexpected options {group.Options}");
                    break;
            }
        }

        var warmup = new UltralyticsWarmup(h, choice, epochs, batches, batch);
        Assert.Equal((long)run["warmup_iterations"]!, warmup.WarmupIterations);
        foreach (var row in run["schedule"]!.AsArray())
        {
            var settings = warmup.At((long)row!["iteration"]!);
            var at = $"{name} iteration {settings.Iteration}";
            Assert.Equal((int)row["epoch"]!, settings.Epoch);
            Assert.True((int)row["accumulate"]! == settings.Accumulate, $"{at}: accumulate {settings.Accumulate}, expected {row["accumulate"]}");
            UltralyticsWarmup.Apply(optimizer, settings);
            for (int g = 0; g < 3; g++)
            {
                var lr = (double)row["lr"]![g]!;
                Assert.True(Math.Abs(lr - optimizer.ParamGroups[g].Lr) <= 1e-12 * Math.Abs(lr), $"{at} group {g}: lr {optimizer.ParamGroups[g].Lr}, expected {lr}");
                var momentum = (double)row["momentum"]![g]!;
                var actual = optimizer.ParamGroups[g].Options switch
                {
                    SgdOptions sgd => sgd.Momentum,
                    AdamOptions adam => adam.Beta1,
                    var other => throw new InvalidOperationException($"unexpected options {other}"),
                };
                Assert.True(Math.Abs(momentum - actual) <= 1e-12 * momentum, $"{at} group {g}: momentum {actual}, expected {momentum}");
            }
        }
    }

    [Fact]
    public void UnknownOptimizersAreRefusedByName()
    {
        var error = Assert.Throws<ArgumentException>(() => UltralyticsOptimizer.Choose(new UltralyticsHyperparameters { Optimizer = "RMSProp" }, 80, 100));
        Assert.Contains("optimizer 'RMSProp': expected one of SGD, Adam, AdamW, auto", error.Message);
        error = Assert.Throws<ArgumentException>(() => UltralyticsOptimizer.Choose(new UltralyticsHyperparameters { Nbs = 0 }, 80, 100));
        Assert.Contains("Nbs = 0: expected > 0", error.Message);
    }
}

/// <summary>
/// The recipe as a trainer drives it: over the first 300 iterations of every run of yolo_recipe.json the optimizer
/// steps after exactly the batches ultralytics' loop steps after (ni - last step >= accumulate, the warm-up ramping
/// accumulate from 1 to nbs / batch); a step clips the gradient norm to 10 and uses the warm-up bias lr and momentum.
/// </summary>
public class UltralyticsRecipeLoopTests
{
    static readonly JsonNode Recipe = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "yolo_recipe.json")))!;

    static Sequential Tiny() => new(new Conv2d(1, 4, 3), new BatchNorm2d(4));

    public static TheoryData<string> Runs() => new(Recipe["runs"]!.AsArray().Select(r => (string)r!["name"]!));

    [Theory]
    [MemberData(nameof(Runs))]
    public void StepsAfterTheSameBatchesAsUltralytics(string name)
    {
        var run = Recipe["runs"]!.AsArray().Single(r => (string)r!["name"]! == name)!;
        var o = run["overrides"]!;
        var h = new UltralyticsHyperparameters
        {
            Optimizer = (string)o["optimizer"]!,
            CosLr = o["cos_lr"] is { } cos && (bool)cos,
            WarmupEpochs = o["warmup_epochs"] is { } w ? (double)w : 3.0,
            Lr0 = o["lr0"] is { } lr ? (double)lr : 0.01,
            Lrf = o["lrf"] is { } lrf ? (double)lrf : 0.01,
        };
        int epochs = (int)o["epochs"]!, batch = (int)run["batch"]!;
        long batches = (long)run["batches_per_epoch"]!;
        using var model = Tiny();
        var recipe = new UltralyticsRecipe(model, h, (long)Recipe["nc"]!, (long)run["dataset_size"]!, batch, epochs, batches);
        using var optimizer = recipe.Optimizer;
        Assert.Equal((string)run["optimizer"]!, optimizer.TypeName);
        var steps = new List<long>();
        for (long ni = 0; ni < Math.Min(300, epochs * batches); ni++)
        {
            recipe.BeforeBatch(ni);
            if (recipe.StepAfterBatch(ni)) steps.Add(ni);
        }
        Assert.Equal(run["optimizer_steps_below_300"]!.AsArray().Select(n => (long)n!), steps);
    }

    [Fact]
    public void AStepClipsTheGradientNormToTenAndUsesTheWarmupBiasLr()
    {
        using var scope = TensorScope.Begin();
        using var model = Tiny();
        var recipe = new UltralyticsRecipe(model, new UltralyticsHyperparameters { Optimizer = "SGD" }, 80, 480, 16, 5, 30);
        using var optimizer = recipe.Optimizer;
        var bias = model.GetParameter("0.bias")!;
        var before = bias.Clone();
        (bias * 1000).Sum().Backward();   // gradient 1000 on each of 4 elements: norm 2000, clipped to 10
        var settings = recipe.BeforeBatch(0);
        Assert.Equal((0.1, 0.0, 0.8), (settings.Lr[0], settings.Lr[1], settings.Momentum!.Value));
        Assert.True(recipe.StepAfterBatch(0));
        // clipped gradient 5 per element; first Nesterov step: d + momentum * d = 1.8 d; lr 0.1 -> -0.9
        Expect.Close(before - 0.9, bias, 1e-6, 1e-6, "bias after one step");
        Assert.Null(bias.Grad);
        var error = Assert.Throws<InvalidOperationException>(() => recipe.StepAfterBatch(5));
        Assert.Contains("call BeforeBatch(5) before StepAfterBatch(5)", error.Message);
    }
}
