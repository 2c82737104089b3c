// What the auth layer tells a person, in zh-CN first and English on Accept-Language: en.
export const authMessages = {
  unauthenticated: { 'zh-CN': '请先登录', en: 'Sign in first' },
  forbidden: { 'zh-CN': '当前账号无权执行此操作', en: 'Your account may not do this' },
  password_change_required: {
    'zh-CN': '请先修改初始密码',
    en: 'Change your one-time password first',
  },
  bad_credentials: { 'zh-CN': '用户名或密码错误', en: 'Wrong username or password' },
  cross_site: {
    'zh-CN': '拒绝跨站请求：请求来源与本站不符',
    en: 'Cross-site request refused: its Origin is not this site',
  },
  csrf_token: {
    'zh-CN': '缺少或错误的 X-CSRF-Token 请求头（可从 GET /api/auth/me 取得）',
    en: 'Missing or wrong X-CSRF-Token header (GET /api/auth/me gives it)',
  },
  unsupported_media_type: {
    'zh-CN': '不接受 text/plain 请求体：请发送 application/json 或 multipart/form-data',
    en: 'text/plain bodies are not accepted: send application/json or multipart/form-data',
  },
  rate_limited: { 'zh-CN': '请求过于频繁，请稍后再试', en: 'Too many requests; try again later' },
  wall_token: { 'zh-CN': '大屏令牌无效或已撤销', en: 'The wall token is unknown or revoked' },
  user_exists: { 'zh-CN': '用户名已存在', en: 'That username is taken' },
  user_not_found: { 'zh-CN': '没有这个账号', en: 'No such account' },
  wall_token_not_found: { 'zh-CN': '没有这个有效的大屏令牌', en: 'No such live wall token' },
  bad_scope: {
    'zh-CN': '角色与辖区不符：街道账号需街道代码，社区账号需社区代码，管理员不设辖区（字段 regionCode）',
    en: 'Role and scope disagree: a street account needs a street code, a community account a community code, an administrator none (field regionCode)',
  },
  short_password: {
    'zh-CN': '密码至少 8 个字符（字段 password）',
    en: 'A password has at least 8 characters (field password)',
  },
  wrong_current_password: {
    'zh-CN': '当前密码错误（字段 currentPassword）',
    en: 'Wrong current password (field currentPassword)',
  },
  self_lockout: {
    'zh-CN': '不能停用自己或取消自己的管理员角色',
    en: 'You cannot deactivate yourself or take away your own administrator role',
  },
  oidc_not_configured: {
    'zh-CN': '本站未配置单位统一身份登录（OIDC）',
    en: 'Single sign-on (OIDC) is not configured on this site',
  },
  oidc_unreachable: {
    'zh-CN': '暂时无法连接单位统一身份认证服务，请稍后再试或使用本地账号登录',
    en: 'The identity provider cannot be reached; try again later or sign in with a local account',
  },
  oidc_state: {
    'zh-CN': '统一身份登录已失效或被篡改（state 不符），请重新登录',
    en: 'The single sign-on attempt expired or was tampered with (state mismatch); sign in again',
  },
  oidc_rejected: {
    'zh-CN': '统一身份认证的应答未通过校验（授权码、签名或 nonce 不符），请重新登录',
    en: "The identity provider's answer failed verification (code, signature or nonce); sign in again",
  },
  oidc_denied: {
    'zh-CN': '统一身份认证服务拒绝了登录',
    en: 'The identity provider refused the sign-in',
  },
  oidc_role: {
    'zh-CN': '统一身份中的角色未被本系统识别：请管理员配置 OIDC_ROLE_MAP（可用角色 admin、street、community、viewer）',
    en: 'The role the identity provider gives is not known here: an administrator sets OIDC_ROLE_MAP (roles admin, street, community, viewer)',
  },
  oidc_scope: {
    'zh-CN': '统一身份中的角色与辖区不符：街道账号需街道代码，社区账号需社区代码',
    en: 'The role and region the identity provider gives disagree: a street account needs a street code, a community account a community code',
  },
  oidc_back: { 'zh-CN': '返回登录页', en: 'Back to the sign-in page' },
  oidc_inactive: {
    'zh-CN': '该账号已被管理员停用',
    en: 'An administrator has deactivated this account',
  },
} as const

export type AuthMessage = keyof typeof authMessages

/** The message in the language the request asks for (zh-CN unless it prefers English). */
export function messageFor(key: AuthMessage, acceptLanguage: string | undefined): string {
  const english = /^\s*en\b/i.test(acceptLanguage ?? '')
  return authMessages[key][english ? 'en' : 'zh-CN']
}
