using Osprey.Tests.Data;
using Osprey.Training;

namespace Osprey.Tests.Training;

public class OptionsTests
{
    [Fact]
    public void YamlThenOverridesThenValidation()
    {
        using var folder = new TempFolder();
        var yaml = folder.Write("opts.yaml", "epochs: 7\nlr0: 0.02\noptimizer: adamw\nname: exp\nimgsz: null\nema: true\n"u8.ToArray());
        var o = OptionsReader.Read(yaml, ["epochs=9", "weight_decay=0.05", "schedule=linear"]);
        Assert.Equal(9, o.Epochs);
        Assert.Equal(0.02, o.Lr0);
        Assert.Equal(OptimizerKind.AdamW, o.Optimizer);
        Assert.Equal(ScheduleKind.Linear, o.Schedule);
        Assert.Equal("exp", o.Name);
        Assert.Null(o.Imgsz);
        Assert.True(o.Ema);
        Assert.Equal(0.05, o.WeightDecay);
    }

    [Fact]
    public void ArgsYamlReadsBackToTheSameOptions()
    {
        using var folder = new TempFolder();
        var o = new TrainOptions
        {
            Data = "mnist:/some where/x", Epochs = 3, Lr0 = 0.1 / 3, Name = "n1", ModelOptions = new([new("width", "16"), new("small_stem", "false")]),
        };
        var path = folder.Write("args.yaml", System.Text.Encoding.UTF8.GetBytes(OptionsReader.ToYaml(o)));
        Assert.Equal(o, OptionsReader.Read(path));
        Assert.Equal(OptionsReader.Keys.Count + 2, File.ReadAllLines(path).Length);
    }

    [Fact]
    public void UnknownKeyIsNamed()
    {
        var e = Assert.Throws<OptionsException>(() => OptionsReader.Read(overrides: ["epochz=3"]));
        Assert.Equal("epochz", e.Key);
        Assert.Contains("unknown option 'epochz'", e.Message);
        Assert.Contains("epochs", e.Message);   // the known keys are listed
    }

    [Fact]
    public void UnknownKeyInAYamlFileNamesTheFile()
    {
        using var folder = new TempFolder();
        var yaml = folder.Write("bad.yaml", "epochs: 2\nlearning_rate: 0.1\n"u8.ToArray());
        var e = Assert.Throws<OptionsException>(() => OptionsReader.Read(yaml));
        Assert.Equal("learning_rate", e.Key);
        Assert.Contains(yaml, e.Message);
    }

    [Theory]
    [InlineData("epochs=three", "option 'epochs' = three: expected an integer")]
    [InlineData("lr0=fast", "option 'lr0' = fast: expected a number")]
    [InlineData("ema=yes please", "option 'ema' = yes please: expected true or false")]
    [InlineData("optimizer=rmsprop", "option 'optimizer' = rmsprop: expected one of sgd, adamw, auto")]
    [InlineData("epochs=0", "option 'epochs' = 0: expected an integer in 1..1000000")]
    [InlineData("batch=2147483647", "option 'batch' = 2147483647: expected an integer in 1..65536")]
    [InlineData("batch=2147483648", "option 'batch' = 2147483648: expected an integer")]
    [InlineData("imgsz=100000", "option 'imgsz' = 100000: expected an integer in 8..16384")]
    [InlineData("width=0", "option 'width' = 0: expected an integer >= 1")]
    [InlineData("widht=8", "unknown option 'widht': not a training option")]
    [InlineData("fraction=1.5", "option 'fraction' = 1.5: expected a value in (0, 1]")]
    [InlineData("epochs", "override 'epochs': expected key=value")]
    public void WrongTypesAndRangesAreNamed(string item, string message)
    {
        var e = Assert.Throws<OptionsException>(() => OptionsReader.Read(overrides: [item]));
        Assert.Contains(message, e.Message);
    }
}
