using Osprey.Models.Detection.Detr;
using Osprey.Torch.Optim;
using DetrModel = Osprey.Models.Detection.Detr.Detr;

namespace Osprey.Tests.Models.Detection.Detr;

/// <summary>main.py's optimizer rules: the two parameter groups, their rates and decay, StepLR per epoch, bad values named.</summary>
public class DetrRecipeTests
{
    [Fact]
    public void GroupsAreTheTransformerAndHeadsThenTheTrainableBackbone()
    {
        using var model = new DetrModel(DetrOptions.LightR18 with { NumClasses = 3 });
        var recipe = new DetrRecipe();
        using var optimizer = recipe.CreateOptimizer(model);
        Assert.Equal(2, optimizer.ParamGroups.Count);
        var named = model.NamedParameters().ToList();
        long Count(Func<string, bool> which) => named.Where(p => p.Tensor.RequiresGrad && which(p.Name)).Sum(p => p.Tensor.NumEl);
        Assert.Equal(Count(n => !n.Contains("backbone")), optimizer.ParamGroups[0].Params.Sum(p => p.NumEl));
        Assert.Equal(Count(n => n.Contains("backbone")), optimizer.ParamGroups[1].Params.Sum(p => p.NumEl));
        Assert.DoesNotContain(optimizer.Parameters, p => !p.RequiresGrad); // stem and layer1 stay out
        Assert.Equal([1e-4, 1e-5], optimizer.ParamGroups.Select(g => g.Lr));
        Assert.All(optimizer.ParamGroups, g => Assert.Equal(1e-4, g.Options!.WeightDecay));
        Assert.Equal("AdamW", optimizer.TypeName);
    }

    [Fact]
    public void TheScheduleDropsBothRatesTenfoldEveryLrDropEpochs()
    {
        using var model = new DetrModel(DetrOptions.LightR18 with { NumClasses = 3 });
        var recipe = new DetrRecipe { LrDrop = 2 };
        using var optimizer = recipe.CreateOptimizer(model);
        var scheduler = recipe.CreateScheduler(optimizer);
        var rates = new List<double[]>();
        for (int epoch = 0; epoch < 5; epoch++, scheduler.Step()) rates.Add([.. scheduler.LastLrs]);
        double[][] expected = [[1e-4, 1e-5], [1e-4, 1e-5], [1e-5, 1e-6], [1e-5, 1e-6], [1e-6, 1e-7]];
        for (int epoch = 0; epoch < 5; epoch++)
            for (int g = 0; g < 2; g++) Assert.Equal(expected[epoch][g], rates[epoch][g], 1e-18);
    }

    [Fact]
    public void WithoutBackboneTrainingThereIsOneGroup()
    {
        using var model = new DetrModel(DetrOptions.LightR18 with { NumClasses = 3, TrainBackbone = false });
        using var optimizer = new DetrRecipe().CreateOptimizer(model);
        Assert.Single(optimizer.ParamGroups);
    }

    [Theory]
    [InlineData(-1e-4, 1e-5, 0.1, 200, "learning rates")]
    [InlineData(1e-4, double.NaN, 0.1, 200, "learning rates")]
    [InlineData(1e-4, 1e-5, -0.1, 200, "clip max norm")]
    [InlineData(1e-4, 1e-5, 0.1, 0, "lr drop")]
    public void BadValuesAreNamed(double lr, double backboneLr, double clip, long lrDrop, string named)
    {
        var recipe = new DetrRecipe { Lr = lr, BackboneLr = backboneLr, ClipMaxNorm = clip, LrDrop = lrDrop };
        var error = Assert.Throws<ArgumentException>(recipe.Validate);
        Assert.Contains(named, error.Message);
    }
}
