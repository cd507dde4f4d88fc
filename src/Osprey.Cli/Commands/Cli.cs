using Osprey.Training;

namespace Osprey.Cli.Commands;

/// <summary>Exit codes and error printing shared by the commands; messages on stderr.</summary>
public static class Cli
{
    /// <summary>0: done; 1: failed (message on stderr); 2: bad command line or option; 130: interrupted (Ctrl-C, as shells count SIGINT).</summary>
    public const int Ok = 0, Failure = 1, UsageError = 2, Interrupted = 130;

    public const string ExitCodesHelp = "Exit codes: 0 ok, 1 failure (message on stderr), 2 usage error (bad command, option or value), " +
                                        "130 interrupted (Ctrl-C).";

    public static int Usage(string message)
    {
        Console.Error.WriteLine($"osprey: {message}");
        return UsageError;
    }

    /// <summary>Runs a command body: a bad option is a usage error, anything else that fails is a failure with its message.</summary>
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (OptionsException e)
        {
            return Usage(e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException and not StackOverflowException)
        {
            if (!Console.IsOutputRedirected) Console.Out.WriteLine();
            Console.Error.WriteLine($"osprey: {e.Message}");
            if (Environment.GetEnvironmentVariable("OSPREY_DEBUG") == "1") Console.Error.WriteLine(e);
            return Failure;
        }
    }
}
