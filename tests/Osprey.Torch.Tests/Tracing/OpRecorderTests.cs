using Osprey.Torch.NN;
using Osprey.Torch.Tracing;

namespace Osprey.Torch.Tests.Tracing;

public class OpRecorderTests
{
    static Sequential Small() => new(new Linear(4, 3), new ReLU(inplace: true), new Linear(3, 2));

    [Fact]
    public void RecordingChangesNoResultAndNamesEveryCallAndItsModule()
    {
        LibTorch.ManualSeed(3);
        using var model = Small();
        using var scope = TensorScope.Begin();
        var x = Tensor.Randn([5, 4]);
        var plain = model.Call(x).ToArray<float>();
        using var recorder = OpRecorder.Start(model);
        recorder.MarkInput(x);
        var traced = model.Call(x);
        recorder.Stop();

        Assert.Equal(plain, traced.ToArray<float>());
        // ReLU(inplace) returns a second handle to its input: recorded as an alias of the same value.
        Assert.Equal(["aten::linear", "aten::relu_", "osprey::alias", "aten::linear"], recorder.Ops.Select(o => o.Name));
        Assert.All(recorder.Ops, o => Assert.True(o.IsDynamic));
        Assert.Equal(["Linear '0'", "ReLU '1'", "ReLU '1'", "Linear '2'"], recorder.Ops.Select(o => recorder.PathOf(o.Module)));
        Assert.Same(recorder.Ops[0].Outputs[0], recorder.Ops[1].Outputs[0]); // in place: relu_ returns its input again
        Assert.Equal([5L, 2L], recorder.Ops[3].OutputShapes[0]);
        Assert.Equal("0.weight", recorder.NameOf((Tensor)recorder.Ops[0].Args[1].Value!));
        Assert.Null(OpRecorder.Current);
    }

    [Fact]
    public void ConstantsAreCopiedBeforeAnInPlaceCallChangesThem()
    {
        using var scope = TensorScope.Begin();
        var c = Tensor.From([1f, 2f], 2);
        using var recorder = OpRecorder.Start();
        c.MulInPlace(10);
        recorder.Stop();
        Assert.False(recorder.Ops[0].IsDynamic);
        Assert.Equal([10f, 20f], recorder.ConstantValue(c).ToArray<float>());
        Assert.Equal([10f, 20f], c.ToArray<float>());
    }

    [Fact]
    public void OnlyOneRecorderPerThreadAndNothingLeaks()
    {
        long before = Tensor.LiveCount;
        using (var model = Small())
        {
            using var scope = TensorScope.Begin();
            var x = Tensor.Randn([2, 4]);
            using var recorder = OpRecorder.Start(model);
            Assert.Throws<InvalidOperationException>(() => OpRecorder.Start());
            model.Call(Tensor.From([1f, 2f, 3f, 4f], 1, 4));
        }
        Assert.Equal(before, Tensor.LiveCount);
    }
}
