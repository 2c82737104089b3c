// The sign-in texts, zh-CN first; English beside them in the same shape.
import { locale } from '../../lib/i18n/index.ts'

const texts = {
  'zh-CN': {
    title: '登录',
    username: '用户名',
    password: '密码',
    submit: '登录',
    signingIn: '正在登录…',
    logout: '退出',
    wallFailed: '大屏令牌无效或已撤销',
    mustChange: '首次登录请修改密码',
    currentPassword: '当前密码',
    newPassword: '新密码（至少 8 位）',
    change: '修改密码',
    oidc: '使用单位统一身份登录',
    or: '或',
    roles: { admin: '管理员', street: '街道', community: '社区', viewer: '只读', wall: '大屏' } as Record<
      string,
      string
    >,
  },
  en: {
    title: 'Sign in',
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    signingIn: 'Signing in…',
    logout: 'Sign out',
    wallFailed: 'The wall token is unknown or revoked',
    mustChange: 'Change your one-time password',
    currentPassword: 'Current password',
    newPassword: 'New password (8 or more characters)',
    change: 'Change password',
    oidc: 'Sign in with your organisation account',
    or: 'or',
    roles: {
      admin: 'Administrator',
      street: 'Street',
      community: 'Community',
      viewer: 'Read-only',
      wall: 'Wall',
    } as Record<string, string>,
  },
}

export const authText = texts[locale]
