using Osprey.Torch.NN;

namespace Osprey.Torch.Tests.NN;

public class ModuleTests
{
    static string[] List(Fixture f, string key) => f.Metadata[key].Split(',', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void CompositeNamesEqualPyTorchsAndItsStateDictLoadsStrictly()
    {
        using var scope = TensorScope.Begin();
        var f = Fixture.Load("layers/composite");
        using var model = new Composite();
        Assert.Equal(List(f, "state_keys"), model.StateDictKeys());
        Assert.Equal(List(f, "parameter_names"), model.NamedParameters().Select(p => p.Name));
        Assert.Equal(List(f, "buffer_names"), model.NamedBuffers().Select(b => b.Name));
        // PyTorch names the model itself "" (first entry).
        Assert.Equal(f.Metadata["module_names"].Split(','), model.NamedModules().Select(m => m.Name));
        Assert.Equal(List(f, "child_names"), model.NamedChildren().Select(c => c.Name));

        var state = f.Tensors.ToDictionary(kv => kv.Key["state.".Length..], kv => kv.Value);
        Assert.True(model.LoadStateDict(state).IsClean);
        foreach (var (key, value) in model.StateDict())
            Assert.True(state[key].Equal(value), $"{key} not loaded");
        Assert.Equal(new long[] { 2, 5 }, model.Call(Tensor.Randn([2, 3, 6, 6])).Shape);
    }

    static Sequential SmallNet() => new(new Conv2d(3, 4, 3), new BatchNorm2d(4), new ReLU(), new Flatten(), new Linear(4 * 4 * 4, 2));

    [Fact]
    public void LoadStateDictReportsMissingUnexpectedAndMisShapedKeysByName()
    {
        using var scope = TensorScope.Begin();
        using var net = SmallNet();
        var state = net.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Clone());
        state["0.weight"] = Tensor.Zeros([4, 3, 5, 5]);
        state.Remove("1.bias");
        state.Remove("4.weight");
        state["9.weight"] = Tensor.Zeros([1]);
        state["1.running_mean"] = Tensor.Full([4], 7);

        var error = Assert.Throws<StateDictMismatchException>(() => net.LoadStateDict(state));
        Assert.Equal(["1.bias", "4.weight"], error.Report.MissingKeys);
        Assert.Equal(["9.weight"], error.Report.UnexpectedKeys);
        var mismatch = Assert.Single(error.Report.ShapeMismatches);
        Assert.Equal("0.weight", mismatch.Key);
        Assert.Equal(new long[] { 4, 3, 3, 3 }, mismatch.Expected);
        Assert.Equal(new long[] { 4, 3, 5, 5 }, mismatch.Actual);
        foreach (var name in new[] { "1.bias", "4.weight", "9.weight", "0.weight" }) Assert.Contains(name, error.Message);
        Assert.Equal(0f, net.GetBuffer("1.running_mean")!.Sum().Item<float>()); // strict failure copies nothing

        var report = net.LoadStateDict(state, strict: false);
        Assert.Equal(error.Report.MissingKeys, report.MissingKeys);
        Assert.Equal(error.Report.UnexpectedKeys, report.UnexpectedKeys);
        Assert.Equal(28f, net.GetBuffer("1.running_mean")!.Sum().Item<float>());
        Assert.False(net.GetParameter("0.weight")!.Abs().Sum().Item<float>() == 0, "mis-shaped key must not be loaded");
    }

    [Fact]
    public void OldBatchNormCheckpointsAndFrozenBatchNormExtrasLoad()
    {
        using var scope = TensorScope.Begin();
        using var bn = new BatchNorm2d(3);
        var state = bn.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Clone());
        state.Remove("num_batches_tracked");
        Assert.True(bn.LoadStateDict(state).IsClean);

        using var frozen = new FrozenBatchNorm2d(3);
        state["num_batches_tracked"] = Tensor.Zeros([], DType.Int64);
        Assert.True(frozen.LoadStateDict(state).IsClean);
        Assert.Empty(frozen.Parameters());
        Assert.Equal(["weight", "bias", "running_mean", "running_var"], frozen.StateDictKeys());
    }

    [Fact]
    public void FrozenParametersGetNoGradients()
    {
        using var scope = TensorScope.Begin();
        using var net = SmallNet();
        net[0].RequiresGrad(false);
        net.Call(Tensor.Randn([2, 3, 6, 6])).Sum().Backward();
        Assert.Null(net.GetParameter("0.weight")!.Grad);
        Assert.Null(net.GetParameter("0.bias")!.Grad);
        Assert.NotNull(net.GetParameter("1.weight")!.Grad);
        Assert.NotNull(net.GetParameter("4.weight")!.Grad);

        net.ZeroGrad();
        net.RequiresGrad(false);
        var output = net.Call(Tensor.Randn([2, 3, 6, 6]));
        Assert.False(output.RequiresGrad);
        Assert.All(net.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void DisposingAModuleFreesEveryTensorItOwned()
    {
        var before = Tensor.LiveCount;
        var model = new Composite();
        Assert.True(Tensor.LiveCount - before >= model.NamedParameters().Count() + model.NamedBuffers().Count());
        using (var scope = TensorScope.Begin())
        {
            model.Call(Tensor.Randn([2, 3, 6, 6])).Sum().Backward();
            model.StateDict();
            model.To(DType.Float64);
        }
        model.ZeroGrad();
        model.Dispose();
        model.Dispose();
        Assert.Equal(before, Tensor.LiveCount);
        Assert.Throws<ObjectDisposedException>(() => model.Call(Tensor.Zeros([1, 3, 4, 4])));
    }

    [Fact]
    public void ForwardHooksSeeInputAndOutputAndCanBeRemoved()
    {
        using var scope = TensorScope.Begin();
        using var net = new Sequential(new Linear(3, 4), new ReLU());
        var relu = (ReLU)net[1];
        float[]? seenIn = null, seenOut = null;
        var handle = relu.RegisterForwardHook((module, input, output) =>
        {
            Assert.Same(relu, module);
            (seenIn, seenOut) = (input.ToArray<float>(), output.ToArray<float>());
        });
        var fired = new List<string>();
        var handles = net.NamedModules().Select(m => m.Module.RegisterForwardHook((_, _, o) => fired.Add(m.Name + ":" + ((Tensor)o!).Shape[^1]))).ToList();

        var y = net.Call(Tensor.Randn([2, 3]));
        Assert.Equal(["0:4", "1:4", ":4"], fired);
        Assert.Equal(y.ToArray<float>(), seenOut);
        Assert.Equal(seenIn!.Select(v => Math.Max(v, 0f)), seenOut);
        Assert.Contains(seenIn!, v => v < 0);

        handle.Dispose();
        handle.Dispose();
        handles.ForEach(h => h.Dispose());
        (seenIn, seenOut) = (null, null);
        net.Call(Tensor.Randn([2, 3]));
        Assert.Null(seenOut);
        Assert.Equal(3, fired.Count);
        Assert.Equal(0, relu.ForwardHookCount);
    }

    [Fact]
    public void ToDTypeConvertsFloatingTensorsInTheirSlotsKeepingRequiresGrad()
    {
        using var scope = TensorScope.Begin();
        using var net = SmallNet();
        net[0].RequiresGrad(false);
        var live = Tensor.LiveCount;
        net.To(DType.Float64);
        Assert.Equal(live, Tensor.LiveCount);
        Assert.All(net.NamedParameters(), p => Assert.Equal(DType.Float64, p.Tensor.DType));
        Assert.Equal(DType.Float64, net.GetBuffer("1.running_var")!.DType);
        Assert.Equal(DType.Int64, net.GetBuffer("1.num_batches_tracked")!.DType);
        Assert.False(net.GetParameter("0.weight")!.RequiresGrad);
        Assert.True(net.GetParameter("4.weight")!.RequiresGrad && net.GetParameter("4.weight")!.IsLeaf);
        var y = net.Call(Tensor.Randn([1, 3, 6, 6], DType.Float64));
        Assert.Equal(DType.Float64, y.DType);
        Assert.Throws<ArgumentException>(() => net.To(DType.Int32));

        var weight = net.GetParameter("4.weight");
        live = Tensor.LiveCount;
        net.To(Device.Cpu); // already there: the same tensors stay in their slots
        Assert.Same(weight, net.GetParameter("4.weight"));
        Assert.Equal(live, Tensor.LiveCount);
    }

    [Fact]
    public void TrainAndEvalReachEveryDescendant()
    {
        using var model = new Composite();
        Assert.All(model.Modules(), m => Assert.True(m.IsTraining));
        model.Eval();
        Assert.All(model.Modules(), m => Assert.False(m.IsTraining));
        model.Features.Train();
        Assert.True(model.Features[1].IsTraining);
        Assert.False(model.Attn.IsTraining);
    }

    [Fact]
    public void StateDictTensorsAreDetachedAliasesOwnedByTheCaller()
    {
        using var net = new Linear(2, 3);
        using (var scope = TensorScope.Begin())
        {
            var state = net.StateDict();
            Assert.Equal(["weight", "bias"], state.Keys);
            Assert.False(state["weight"].RequiresGrad);
            state["bias"].FillInPlace(5);
        }
        using var check = TensorScope.Begin();
        Assert.Equal(new float[] { 5, 5, 5 }, net.Bias!.ToArray<float>());
        Assert.True(net.Weight.RequiresGrad);
    }

    [Fact]
    public void RegistrationRejectsBadOrClashingNames()
    {
        using var scope = TensorScope.Begin();
        using var net = new Linear(2, 2);
        Assert.Throws<ArgumentException>(() => net.RegisterBuffer("weight", Tensor.Zeros([1])));
        Assert.Throws<ArgumentException>(() => net.RegisterModule("bias", new ReLU()));
        Assert.Throws<ArgumentException>(() => net.RegisterParameter("a.b", Tensor.Zeros([1])));
        Assert.Throws<ArgumentException>(() => net.RegisterParameter("ints", Tensor.Zeros([1], DType.Int64)));
        var replacement = Tensor.Zeros([2]);
        net.RegisterParameter("bias", replacement);
        Assert.Same(replacement, net.Bias);
        Assert.True(replacement.RequiresGrad);
        Assert.Equal(["weight", "bias"], net.StateDictKeys());
    }

    [Fact]
    public void DropoutZeroesAndRescalesInTrainingAndIsIdentityInEval()
    {
        using var scope = TensorScope.Begin();
        using var dropout = new Dropout(0.25);
        var x = Tensor.Ones([10000]);
        var y = dropout.Call(x).ToArray<float>();
        Assert.All(y, v => Assert.True(v == 0 || Math.Abs(v - 1 / 0.75f) < 1e-6));
        var dropped = y.Count(v => v == 0) / 10000.0;
        Assert.InRange(dropped, 0.25 - 0.02, 0.25 + 0.02);
        dropout.Eval();
        Assert.True(dropout.Call(x).Equal(x));
    }
}
