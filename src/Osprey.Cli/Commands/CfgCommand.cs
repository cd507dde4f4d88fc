using System.CommandLine;
using Osprey.Models;
using Osprey.Training;

namespace Osprey.Cli.Commands;

/// <summary><c>osprey cfg</c>: every training option key (for <c>--set key=value</c>, <c>key=value</c> or a
/// <c>--cfg</c> YAML file) with its type, default and meaning, then the chosen model's own options.</summary>
public static class CfgCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "also list this model's own options", DefaultValueFactory = _ => new TrainOptions().Model };
        var command = new Command("cfg", "List every training option with its type, default and meaning (as train's --set key=value, " +
                                         "key=value or a --cfg YAML file take them), and a model's own options")
        { model };
        command.SetAction(result => Cli.Run(() => Run(result.GetValue(model)!)));
        return command;
    }

    static int Run(string modelName)
    {
        ModelEntry entry;
        try
        {
            entry = ModelRegistry.Get(modelName);
        }
        catch (ArgumentException e)
        {
            return Cli.Usage($"--model {modelName}: {e.Message}");
        }
        var keys = TrainingKeys.All();
        var rows = keys.Select(k => (k.Name, k.Type, k.Default ?? "null", k.Meaning)).ToList();
        Console.WriteLine("Training options (type? = may be null: chosen from the data and the model):");
        Print(rows);
        Console.WriteLine();
        if (entry.Options.Count == 0)
        {
            Console.WriteLine($"Model {entry.Name} has no options of its own.");
            return Cli.Ok;
        }
        Console.WriteLine($"Options of model {entry.Name} (set like training options; the run records them resolved):");
        Print(entry.Options.Select(o => (o.Key, o.Type == ModelOptionType.Integer ? "integer" : "bool",
                                         o.Default?.Invoke(new ModelArgs()) ?? "from the data", o.Description)).ToList());
        return Cli.Ok;
    }

    static void Print(List<(string Key, string Type, string Default, string Meaning)> rows)
    {
        int k = Math.Max(3, rows.Max(r => r.Key.Length)), t = Math.Max(4, rows.Max(r => r.Type.Length)), d = Math.Max(7, rows.Max(r => r.Default.Length));
        Console.WriteLine($"  {"key".PadRight(k)}  {"type".PadRight(t)}  {"default".PadRight(d)}  meaning");
        foreach (var (key, type, value, meaning) in rows)
            Console.WriteLine($"  {key.PadRight(k)}  {type.PadRight(t)}  {value.PadRight(d)}  {meaning}");
    }
}
