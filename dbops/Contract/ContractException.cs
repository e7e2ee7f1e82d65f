namespace Dbops.Contract;

/// <summary>
/// The outputs file cannot be used: unreadable, not JSON, a key missing or of the wrong
/// type. The message names the key and what is allowed, never a secret value.
/// Callers map it to exit code 2.
/// </summary>
public sealed class ContractException(string message) : Exception(message);
