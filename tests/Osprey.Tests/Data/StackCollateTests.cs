using Osprey.Data;
using Osprey.Torch;

namespace Osprey.Tests.Data;

public class StackCollateTests
{
    [Fact]
    public void ABatchOfOneSampleHasOneLabel()
    {
        // An epoch whose last batch holds one image (19 images, batch 6) fed cross-entropy a 0-d label tensor.
        using var scope = TensorScope.Begin();
        using var batch = StackCollate.Instance.Collate(3, [18], [new Sample(Tensor.Zeros([3, 2, 2])) { Label = 2 }]);
        Assert.Equal([1L], batch.Labels.Shape);
        Assert.Equal([2L], batch.Labels.ToArray<long>());
    }
}
