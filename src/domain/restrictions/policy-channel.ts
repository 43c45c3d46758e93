/** Pub/sub channel on which admin changes to permissions, restrictions and rules are announced to every instance. */
export const POLICY_CHANNEL = 'policy-changed';
