using Osprey.Torch.Optim;
using Xunit.Abstractions;

namespace Osprey.Torch.Tests.Optim;

/// <summary>20 steps on the fixed MLP problem reproduce PyTorch 1.13's parameters after every step (golden_optim.py).</summary>
public class OptimizerTrajectoryTests(ITestOutputHelper output)
{
    const int Steps = 20;
    const double Tolerance = 1e-6;

    /// <summary>Runs the steps and compares every parameter after every step; returns the largest deviation.</summary>
    double RunAndCompare(string config, Func<MlpProblem, Optimizer> build, double sign = 1)
    {
        using var scope = TensorScope.Begin();
        var expected = Fixture.Load("optim/trajectories");
        using var problem = new MlpProblem();
        using var optimizer = build(problem);
        double worst = 0;
        for (int step = 0; step < Steps; step++)
        {
            optimizer.ZeroGrad();
            problem.Backward(sign);
            optimizer.Step();
            foreach (var name in MlpProblem.Names)
            {
                using var inner = TensorScope.Begin();
                var want = expected[$"{config}.{name}"][step];
                Expect.Close(want, problem.Params[name], rtol: 0, atol: Tolerance, what: $"{config} {name} after step {step + 1}");
                worst = Math.Max(worst, (want - problem.Params[name]).Abs().Max().Item<double>());
            }
        }
        output.WriteLine($"{config}: max |osprey - pytorch| over {Steps} steps = {worst:G3}");
        CompareFinalState(config, expected, optimizer);
        return worst;
    }

    /// <summary>The state dict after the last step has PyTorch's keys (state.{index}.{buffer}) and values.</summary>
    static void CompareFinalState(string config, Fixture expected, Optimizer optimizer)
    {
        var prefix = config + ".";
        var want = expected.Tensors.Where(p => p.Key.StartsWith(prefix + "state.", StringComparison.Ordinal))
                                   .ToDictionary(p => p.Key[prefix.Length..], p => p.Value);
        using var state = optimizer.StateDict();
        Assert.Equal(want.Keys.Order(), state.Tensors.Keys.Order());
        foreach (var (key, value) in want)
            Expect.Close(value, state.Tensors[key], rtol: 0, atol: Tolerance, what: $"{config} {key}");
    }

    [Fact]
    public void SgdWithoutMomentumMatchesPyTorch() =>
        RunAndCompare("sgd_plain", p => new Sgd(p.All, new SgdOptions { Lr = 0.1 }));

    [Fact]
    public void SgdWithNesterovMomentumAndWeightDecayMatchesPyTorch() =>
        RunAndCompare("sgd_nesterov_wd", p => new Sgd(p.All, new SgdOptions { Lr = 0.1, Momentum = 0.9, Nesterov = true, WeightDecay = 1e-2 }));

    [Fact]
    public void SgdWithDampeningMatchesPyTorch() =>
        RunAndCompare("sgd_dampening", p => new Sgd(p.All, new SgdOptions { Lr = 0.05, Momentum = 0.8, Dampening = 0.3, WeightDecay = 5e-3 }));

    [Fact]
    public void SgdMaximizingTheNegatedLossMatchesPyTorch() =>
        RunAndCompare("sgd_maximize", p => new Sgd(p.All, new SgdOptions { Lr = 0.05, Momentum = 0.5, Maximize = true }), sign: -1);

    [Fact]
    public void AdamWithL2DecayMatchesPyTorch() =>
        RunAndCompare("adam", p => new Adam(p.All, new AdamOptions { Lr = 0.01, Beta1 = 0.9, Beta2 = 0.99, Eps = 1e-8, WeightDecay = 1e-3 }));

    [Fact]
    public void AdamAmsgradMatchesPyTorch() =>
        RunAndCompare("adam_amsgrad", p => new Adam(p.All, new AdamOptions { Lr = 0.01, Amsgrad = true }));

    [Fact]
    public void AdamWMatchesPyTorch() =>
        RunAndCompare("adamw", p => new AdamW(p.All, new AdamOptions { Lr = 0.01, WeightDecay = 0.05 }));

    [Fact]
    public void AdamWAmsgradMatchesPyTorch() =>
        RunAndCompare("adamw_amsgrad", p => new AdamW(p.All, new AdamOptions { Lr = 0.02, Beta1 = 0.8, Beta2 = 0.95, Eps = 1e-6, WeightDecay = 0.1, Amsgrad = true }));

    [Fact]
    public void AdamWWithTwoParamGroupsMatchesPyTorch()
    {
        var defaults = new AdamOptions { Lr = 0.01, WeightDecay = 0.05 };
        RunAndCompare("adamw_groups", p => new AdamW([new ParamGroup(p.Weights), new ParamGroup(p.Biases, defaults with { Lr = 0.03, WeightDecay = 0 })], defaults));
    }

    [Fact]
    public void SgdWithTwoParamGroupsMatchesPyTorch()
    {
        var defaults = new SgdOptions { Lr = 0.1, Momentum = 0.9, Nesterov = true, WeightDecay = 1e-2 };
        RunAndCompare("sgd_groups", p => new Sgd([new ParamGroup(p.Weights), new ParamGroup(p.Biases, defaults with { Lr = 0.2, WeightDecay = 0, Nesterov = false })], defaults));
    }

    [Fact]
    public void SgdWithClippingAndWarmupCosineScheduleMatchesPyTorch()
    {
        using var scope = TensorScope.Begin();
        var expected = Fixture.Load("optim/trajectories");
        var lrs = expected["sgd_clip_sched.lr"].ToArray<double>();
        var norms = expected["sgd_clip_sched.norm"].ToArray<float>();
        using var problem = new MlpProblem();
        using var optimizer = new Sgd(problem.All, new SgdOptions { Lr = 0.2, Momentum = 0.9, WeightDecay = 1e-4 });
        var scheduler = new LrScheduler(optimizer, new CosineSchedule(15, etaMin: 1e-3).WithWarmup(5, startFactor: 0.1));
        for (int step = 0; step < Steps; step++)
        {
            optimizer.ZeroGrad();
            problem.Backward();
            var norm = GradClip.ClipGradNorm(problem.All, 0.5);
            Assert.Equal((double)norms[step], norm, 1e-6);
            Assert.Equal(lrs[step], optimizer.ParamGroups[0].Lr, lrs[step] * 1e-9);
            optimizer.Step();
            scheduler.Step();
            foreach (var name in MlpProblem.Names)
                Expect.Close(expected[$"sgd_clip_sched.{name}"][step], problem.Params[name], rtol: 0, atol: Tolerance, what: $"{name} after step {step + 1}");
        }
    }
}
