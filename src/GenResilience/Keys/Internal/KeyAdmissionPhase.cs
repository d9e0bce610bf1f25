namespace GenResilience.Keys.Internal;

/// <summary>The phases of a key's admission, seen as a circuit: closed (open or paced), open (cooling), half-open (trial).</summary>
internal enum KeyAdmissionPhase
{
    /// <summary>The key never met a 429 and is not paced: every request goes at once.</summary>
    Open = 0,

    /// <summary>Requests go at the key's pace (configured, or learned from 429s).</summary>
    Paced,

    /// <summary>The key cools down after a 429: nothing goes until the cooldown ends.</summary>
    Cooling,

    /// <summary>The cooldown is over and one trial request is out; the others wait for its answer.</summary>
    Trial,
}
