using Osprey.Torch.NN;

namespace Osprey.Torch.Tests.NN;

/// <summary>A Sequential (and <see cref="TensorThrough.Through"/>) frees each intermediate as soon as the next layer
/// has read it, as PyTorch's reference counting does, and never a tensor of an outer scope.</summary>
public class IntermediateReleaseTests
{
    sealed class AddOne : Module<Tensor, Tensor>
    {
        public override Tensor Forward(Tensor x) => x + 1;
    }

    /// <summary>Records, when called, whether the tensors it was shown are disposed by then.</summary>
    sealed class Probe(List<Tensor> watched, List<bool> seen) : Module<Tensor, Tensor>
    {
        public override Tensor Forward(Tensor x)
        {
            seen.AddRange(watched.Select(t => t.IsDisposed));
            return x * 2;
        }
    }

    [Fact]
    public void SequentialFreesAnIntermediateOnceTheNextLayerHasReadIt()
    {
        using var scope = TensorScope.Begin();
        var watched = new List<Tensor>();
        var seen = new List<bool>();
        var first = new AddOne();
        using var hook = first.RegisterForwardHook((_, _, output) => watched.Add((Tensor)output!));
        using var net = new Sequential(first, new AddOne(), new Probe(watched, seen));
        var input = Tensor.From(new float[] { 1, 2 });

        var y = net.Call(input);

        Assert.Equal([true], seen);   // the first layer's output was gone before the third layer ran
        Assert.False(input.IsDisposed);
        Assert.Equal([6f, 8f], y.ToArray<float>());
    }

    [Fact]
    public void ThroughLeavesATensorOfAnOuterScopeAndAnIdentityResultAlone()
    {
        using var outer = TensorScope.Begin();
        var x = Tensor.From(new float[] { 3 });
        using var identity = new Identity();
        using var addOne = new AddOne();
        Tensor fromOuter, same;
        using (var inner = TensorScope.Begin())
        {
            fromOuter = x.Through(addOne);
            Assert.False(x.IsDisposed);
            var made = fromOuter.Through(addOne);
            Assert.True(fromOuter.IsDisposed);
            same = inner.Keep(made.Through(identity));   // an alias: the intermediate goes, its storage stays
            Assert.True(made.IsDisposed);
        }
        Assert.Equal([5f], same.ToArray<float>());
    }
}
