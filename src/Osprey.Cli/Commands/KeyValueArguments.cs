using System.CommandLine;
using System.Text.RegularExpressions;

namespace Osprey.Cli.Commands;

/// <summary>
/// ultralytics-style arguments beside the usual ones: <c>osprey train model=resnet18 epochs=3</c>. A bare
/// <c>key=value</c> token (not the value of an option before it) becomes <c>--key value</c> when the command has that
/// option, and <c>--set key=value</c> for <c>train</c> otherwise (any training or model option); any other is left
/// for the parser to report.
/// </summary>
public static partial class KeyValueArguments
{
    [GeneratedRegex("^[a-z][a-z0-9_]*=")]
    private static partial Regex KeyValue();

    public static string[] Rewrite(RootCommand root, IReadOnlyList<string> args)
    {
        if (args.Count == 0) return [];
        var command = root.Subcommands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null) return args.ToArray();
        var result = new List<string> { args[0] };
        Option? pending = null;   // an option still waiting for its value
        foreach (var token in args.Skip(1))
        {
            if (pending is null && KeyValue().IsMatch(token))
            {
                int eq = token.IndexOf('=');
                var key = token[..eq];
                var option = command.Options.FirstOrDefault(o => o.Name == "--" + key || o.Name == "--" + key.Replace('_', '-'));
                if (option != null && option.Name != "--set")
                {
                    result.Add(option.Name);
                    result.Add(token[(eq + 1)..]);
                    continue;
                }
                if (command.Name == "train" || (command.Name == "info" && option is null))
                {
                    result.Add("--set");
                    result.Add(token);
                    continue;
                }
            }
            result.Add(token);
            var named = token.StartsWith('-') ? command.Options.FirstOrDefault(o => o.Name == token || o.Aliases.Contains(token)) : null;
            pending = named != null && named.ValueType != typeof(bool) ? named : null;
        }
        return result.ToArray();
    }
}
