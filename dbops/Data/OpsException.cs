namespace Dbops.Data;

/// <summary>
/// An operation that cannot go on or did not finish (exit code 1): the message says what
/// happened and what to do, and never holds a credential.
/// </summary>
public class OpsException(string message) : Exception(message);
