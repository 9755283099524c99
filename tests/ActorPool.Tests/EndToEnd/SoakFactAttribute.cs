using System.Globalization;
using Xunit;

namespace ActorPool.Tests.EndToEnd;

/// <summary>
/// A test that runs for minutes, so only when asked: <c>ACTORPOOL_SOAK_MINUTES</c> set to a positive number (the
/// soak's length in minutes) runs it, and otherwise it is skipped with the reason. CI never sets the variable.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class SoakFactAttribute : FactAttribute
{
    /// <summary>The environment variable that runs the soak and says how many minutes it lasts.</summary>
    public const string Variable = "ACTORPOOL_SOAK_MINUTES";

    public SoakFactAttribute()
    {
        var value = Environment.GetEnvironmentVariable(Variable);
        if (Minutes is null)
        {
            Skip = string.IsNullOrEmpty(value)
                ? $"A soak of several minutes: set {Variable} to its length in minutes to run it, e.g. {Variable}=10 (the README says how)."
                : $"{Variable} is '{value}', not a positive number of minutes: the soak is skipped.";
        }
    }

    /// <summary>The soak's length in minutes from <see cref="Variable"/>, or null when it is unset or not a positive number.</summary>
    public static double? Minutes =>
        double.TryParse(Environment.GetEnvironmentVariable(Variable), NumberStyles.Float, CultureInfo.InvariantCulture, out var minutes)
            && double.IsFinite(minutes) && minutes > 0
            ? minutes
            : null;
}
