using System.CommandLine;

namespace Osprey.Cli.Commands;

/// <summary>
/// What a bad command line gets: with no verb or an unknown one, the verb list and the closest verb ("did you mean");
/// otherwise the parser's messages. Always the usage exit code.
/// </summary>
public static class Verbs
{
    public static int ReportErrors(RootCommand root, ParseResult parsed, IReadOnlyList<string> args)
    {
        var verbs = root.Subcommands.Where(c => !c.Hidden).ToList();
        var first = args.FirstOrDefault(a => !a.StartsWith('-'));
        bool noVerb = parsed.CommandResult.Command == root;
        if (noVerb)
        {
            if (first != null && !verbs.Any(v => v.Name == first))
            {
                Console.Error.WriteLine($"osprey: unknown command '{first}'.");
                if (Closest(first, verbs.Select(v => v.Name)) is { } guess) Console.Error.WriteLine($"Did you mean 'osprey {guess}'?");
            }
            else
                Console.Error.WriteLine("osprey: a command is required.");
            Console.Error.WriteLine();
            Console.Error.WriteLine("Commands:");
            int width = verbs.Max(v => v.Name.Length);
            foreach (var v in verbs) Console.Error.WriteLine($"  {v.Name.PadRight(width)}  {FirstSentence(v.Description)}");
            Console.Error.WriteLine();
            Console.Error.WriteLine("Run 'osprey <command> --help' for a command's options. " + Cli.ExitCodesHelp);
            return Cli.UsageError;
        }
        foreach (var error in parsed.Errors)
        {
            Console.Error.WriteLine($"osprey {parsed.CommandResult.Command.Name}: {error.Message}");
            if (error.Message.Contains("Unrecognized command or argument", StringComparison.Ordinal) && Token(error.Message) is { } token
                && token.StartsWith('-'))
            {
                var names = parsed.CommandResult.Command.Options.SelectMany(o => o.Aliases.Prepend(o.Name));
                if (Closest(token, names) is { } guess) Console.Error.WriteLine($"Did you mean '{guess}'?");
            }
        }
        Console.Error.WriteLine($"Run 'osprey {parsed.CommandResult.Command.Name} --help' for its options.");
        return Cli.UsageError;
    }

    /// <summary>The candidate nearest to <paramref name="word"/> by edit distance, if it is near enough to be a typo.</summary>
    public static string? Closest(string word, IEnumerable<string> candidates)
    {
        var best = candidates.Select(c => (Name: c, Distance: Levenshtein(word, c))).OrderBy(c => c.Distance).FirstOrDefault();
        return best.Name != null && best.Distance <= Math.Max(2, word.Length / 3) ? best.Name : null;
    }

    /// <summary>Edits (insert, delete, substitute, or swap two neighbours) turning a into b.</summary>
    public static int Levenshtein(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }

    static string? Token(string message)
    {
        int open = message.IndexOf('\''), close = message.LastIndexOf('\'');
        return open >= 0 && close > open ? message[(open + 1)..close] : null;
    }

    static string FirstSentence(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        int end = new[] { text.IndexOf(". ", StringComparison.Ordinal), text.IndexOf("; ", StringComparison.Ordinal), text.IndexOf('\n') }.Where(i => i > 0).DefaultIfEmpty(-1).Min();
        return end > 0 ? text[..end] : text;
    }
}
