namespace Dbops.Data;

/// <summary>
/// Input that cannot be used, found before or while a command works (exit code 2 in the CLI):
/// the message names the problem and what is allowed. Thrown below the CLI, it names what is
/// wrong in the operation's terms (a connection string, a table); the CLI alone knows which flag
/// or variable the value came from, and says so where the operation cannot.
/// </summary>
public class InvalidInputException(string message) : Exception(message);

/// <summary>A connection string that names no usable database (unparsable, no Host, no Database); never quotes the password.</summary>
public sealed class InvalidTargetException(string message) : InvalidInputException(message);
