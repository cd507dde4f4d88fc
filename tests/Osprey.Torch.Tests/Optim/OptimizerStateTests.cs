using System.Text.Json.Nodes;
using Osprey.Torch.Optim;

namespace Osprey.Torch.Tests.Optim;

/// <summary>Optimizer bookkeeping: skipped parameters, ZeroGrad, state dict layout and validation, ownership.</summary>
public class OptimizerStateTests
{
    [Fact]
    public void StepSkipsParametersWithoutGradientAndCreatesNoStateForThem()
    {
        using var scope = TensorScope.Begin();
        using var problem = new MlpProblem();
        var unused = Tensor.From(new float[] { 1, 2, 3 }).RequiresGrad_();
        using var optimizer = new AdamW(problem.All.Append(unused), new AdamOptions { Lr = 0.1, WeightDecay = 0.5 });
        for (int k = 0; k < 3; k++)
        {
            optimizer.ZeroGrad();
            problem.Backward();
            optimizer.Step();
        }
        Assert.Equal(new float[] { 1, 2, 3 }, unused.ToArray<float>());
        Assert.Null(optimizer.StateOf(4));
        Assert.Equal(3L, optimizer.StateOf(0)!.Step);
        using var state = optimizer.StateDict();
        Assert.DoesNotContain(state.Tensors.Keys, k => k.StartsWith("state.4.", StringComparison.Ordinal));
        Assert.Equal(3f, state.Tensors["state.0.step"].Item<float>());
    }

    [Fact]
    public void ZeroGradDropsEveryGradient()
    {
        using var scope = TensorScope.Begin();
        using var problem = new MlpProblem();
        using var optimizer = new Sgd(problem.All, new SgdOptions { Lr = 0.1 });
        problem.Backward();
        Assert.All(problem.All, p => Assert.NotNull(p.Grad));
        optimizer.ZeroGrad();
        Assert.All(problem.All, p => Assert.Null(p.Grad));
    }

    [Fact]
    public void StateDictDescribesGroupsLikePyTorch()
    {
        using var scope = TensorScope.Begin();
        using var problem = new MlpProblem();
        var defaults = new SgdOptions { Lr = 0.1, Momentum = 0.9, Nesterov = true, WeightDecay = 1e-2 };
        using var optimizer = new Sgd([new ParamGroup(problem.Weights), new ParamGroup(problem.Biases, defaults with { WeightDecay = 0 })], defaults);
        problem.Backward();
        optimizer.Step();
        using var state = optimizer.StateDict();
        Assert.Equal("SGD", state.Type);
        var groups = state.Groups["param_groups"]!.AsArray();
        Assert.Equal("[0,1]", groups[0]!["params"]!.ToJsonString());
        Assert.Equal("[2,3]", groups[1]!["params"]!.ToJsonString());
        Assert.Equal(0.0, groups[1]!["options"]!["WeightDecay"]!.GetValue<double>());
        Assert.True(groups[1]!["options"]!["Nesterov"]!.GetValue<bool>());
        Assert.Equal(["state.0.momentum_buffer", "state.1.momentum_buffer", "state.2.momentum_buffer", "state.3.momentum_buffer"],
                     state.Tensors.Keys.Order());
    }

    [Fact]
    public void LoadingMismatchedStateFailsNamingTheProblemAndChangesNothing()
    {
        using var scope = TensorScope.Begin();
        using var problem = new MlpProblem();
        using var adam = new Adam(problem.All, new AdamOptions { Lr = 0.01 });
        problem.Backward();
        adam.Step();
        using var state = adam.StateDict();
        var before = adam.StateOf(0)!["exp_avg"]!.ToArray<float>();

        using var sgd = new Sgd(problem.All, new SgdOptions());
        Assert.Contains("written by Adam; this optimizer is SGD", Assert.Throws<ArgumentException>(() => sgd.LoadStateDict(state)).Message);

        using var twoGroups = new Adam([new ParamGroup(problem.Weights), new ParamGroup(problem.Biases)]);
        Assert.Contains("state has 1 param group(s); this Adam has 2", Assert.Throws<ArgumentException>(() => twoGroups.LoadStateDict(state)).Message);

        var badShape = new Dictionary<string, Tensor>(state.Tensors) { ["state.2.exp_avg"] = Tensor.Zeros([3]) };
        var broken = new OptimizerStateDict(badShape, state.Groups);
        var shapeError = Assert.Throws<ArgumentException>(() => adam.LoadStateDict(broken));
        Assert.Contains("'state.2.exp_avg': shape [3] does not match parameter 2 [2, 6]", shapeError.Message);

        var missing = new Dictionary<string, Tensor>(state.Tensors);
        missing.Remove("state.1.exp_avg_sq");
        var lacking = Assert.Throws<ArgumentException>(() => adam.LoadStateDict(new OptimizerStateDict(missing, state.Groups)));
        Assert.Contains("state.1.exp_avg_sq", lacking.Message);

        var unknown = new Dictionary<string, Tensor>(state.Tensors) { ["state.0.momentum_buffer"] = Tensor.Zeros([6, 4]) };
        Assert.Contains("keeps no 'momentum_buffer'",
                        Assert.Throws<ArgumentException>(() => adam.LoadStateDict(new OptimizerStateDict(unknown, state.Groups))).Message);

        Assert.Equal(before, adam.StateOf(0)!["exp_avg"]!.ToArray<float>());
        Assert.Equal(1L, adam.StateOf(0)!.Step);
    }

    [Fact]
    public void LoadStateDictRestoresOptionsAndCurrentLearningRate()
    {
        using var scope = TensorScope.Begin();
        using var problem = new MlpProblem();
        using var source = new AdamW(problem.All, new AdamOptions { Lr = 0.02, Beta2 = 0.95, Amsgrad = true });
        source.ParamGroups[0].Lr = 0.005;
        problem.Backward();
        source.Step();
        using var state = source.StateDict();
        using var target = new AdamW(problem.All);
        target.LoadStateDict(state);
        Assert.Equal(source.ParamGroups[0].Options, target.ParamGroups[0].Options);
        Assert.Equal(0.005, target.ParamGroups[0].Lr);
        Assert.Equal(source.StateOf(3)!["max_exp_avg_sq"]!.ToArray<float>(), target.StateOf(3)!["max_exp_avg_sq"]!.ToArray<float>());
        // The loaded state is a copy: stepping the source does not move the target's buffers.
        var copied = target.StateOf(0)!["exp_avg"]!.ToArray<float>();
        problem.Backward();
        source.Step();
        Assert.Equal(copied, target.StateOf(0)!["exp_avg"]!.ToArray<float>());
    }

    [Fact]
    public void InvalidConfigurationsAreRejected()
    {
        using var scope = TensorScope.Begin();
        var p = Tensor.Ones([2]).RequiresGrad_();
        Assert.Contains("Nesterov", Assert.Throws<ArgumentException>(() => new Sgd([p], new SgdOptions { Nesterov = true })).Message);
        Assert.Contains("Beta2 = 1", Assert.Throws<ArgumentException>(() => new Adam([p], new AdamOptions { Beta2 = 1 })).Message);
        Assert.Contains("same tensor", Assert.Throws<ArgumentException>(() => new Sgd([p, p.Alias()], new SgdOptions())).Message);
        Assert.Contains("not a leaf", Assert.Throws<ArgumentException>(() => new Sgd([p * 2], new SgdOptions())).Message);
        Assert.Contains("got AdamOptions, expected SgdOptions",
                        Assert.Throws<ArgumentException>(() => new Sgd([new ParamGroup([p], new AdamOptions())], new SgdOptions())).Message);
        Assert.Throws<ArgumentException>(() => new ParamGroup([p]).Lr = double.NaN);
    }

    [Fact]
    public void TrainingStepsLeakNoTensorsAndDisposeFreesTheState()
    {
        using var problem = new MlpProblem();
        long baseline = Tensor.LiveCount;
        var optimizer = new AdamW(problem.All, new AdamOptions { Amsgrad = true });
        void TrainStep()
        {
            optimizer.ZeroGrad();
            problem.Backward();
            GradClip.ClipGradNorm(problem.All, 0.1);
            optimizer.Step();
        }
        TrainStep();
        long afterFirst = Tensor.LiveCount;
        Assert.Equal(baseline + 4 * 3, afterFirst); // exp_avg, exp_avg_sq, max_exp_avg_sq per parameter
        for (int k = 0; k < 5; k++) TrainStep();
        Assert.Equal(afterFirst, Tensor.LiveCount);
        optimizer.StateDict().Dispose();
        Assert.Equal(afterFirst, Tensor.LiveCount);
        optimizer.Dispose();
        Assert.Equal(baseline, Tensor.LiveCount);
        Assert.Throws<ObjectDisposedException>(() => optimizer.Step());
    }
}
