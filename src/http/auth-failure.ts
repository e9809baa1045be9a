/**
 * Told when an endpoint of the authorization server refuses: the endpoint, and the OAuth error code
 * (RFC 6749 §5.2) or, for the login page, login_failure / login_throttled. For metrics; nothing of the
 * request (no username, no client id) is passed.
 */
export type AuthFailureObserver = (endpoint: 'token' | 'introspect' | 'revoke' | 'authorize', reason: string) => void;
