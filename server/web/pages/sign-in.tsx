import { attr, CsrfField, Document, FlashMessage, Layout, SITE_NAME, TextField, type Flash, type Viewer } from '../components.tsx'

export function LoginPage({
  csrfToken,
  next,
  login,
  message,
}: {
  csrfToken: string
  next: string
  login?: string
  message?: Flash | null
}) {
  return (
    <Document title="登录">
      <main>
        <div class="card login">
          <h1>{SITE_NAME}</h1>
          {message ? <FlashMessage flash={message} /> : ''}
          <form class="stack" method="post" action="/login">
            <CsrfField token={csrfToken} />
            <input type="hidden" name="next" value={attr(next)} />
            <TextField label="用户名" name="login" value={login} required autocomplete="username" maxlength={64} />
            <TextField label="密码" name="password" type="password" required autocomplete="current-password" maxlength={200} />
            <div>
              <button type="submit">登录</button>
            </div>
          </form>
          <p class="muted">没有账号或忘记密码，请联系系统管理员。</p>
        </div>
      </main>
    </Document>
  )
}

export function PasswordPage({ viewer, errors = {}, flash }: { viewer: Viewer; errors?: Record<string, string>; flash?: Flash | null }) {
  return (
    <Layout title="修改密码" viewer={viewer} section="password" flash={flash}>
      <div class="card">
        <h1>修改密码</h1>
        <p class="muted">修改后，您在其他浏览器或设备上的登录将全部退出。新密码至少10个字符。</p>
        <form class="stack" method="post" action="/account/password">
          <CsrfField token={viewer.csrfToken} />
          <TextField
            label="当前密码"
            name="currentPassword"
            type="password"
            required
            autocomplete="current-password"
            error={errors.currentPassword}
          />
          <TextField label="新密码" name="newPassword" type="password" required autocomplete="new-password" error={errors.newPassword} />
          <TextField
            label="再次输入新密码"
            name="confirmPassword"
            type="password"
            required
            autocomplete="new-password"
            error={errors.confirmPassword}
          />
          <div>
            <button type="submit">修改密码</button>
          </div>
        </form>
      </div>
    </Layout>
  )
}

/** What a person sees when something cannot be shown or done; signed out, without the navigation. */
export function ErrorPage({ viewer, title, message }: { viewer: Viewer | null; title: string; message: string }) {
  const body = (
    <div class="card">
      <h1 safe>{title}</h1>
      <p safe>{message}</p>
      <p>
        <a href="/">返回工作台</a>
      </p>
    </div>
  )
  if (!viewer) {
    return (
      <Document title={title}>
        <main>{body}</main>
      </Document>
    )
  }
  return (
    <Layout title={title} viewer={viewer} section={null}>
      {body}
    </Layout>
  )
}

/** A path no route serves, asked for by a browser: the error page, signed out (no session is read for it). */
export function NotFoundPage() {
  return <ErrorPage viewer={null} title="页面不存在" message="您访问的页面不存在，请检查网址。" />
}
