<?php
/**
 * Settings > cookiegate: the consent server's URL and the site id of the site config.
 *
 * @package cookiegate
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * The server URL as an origin without a trailing slash, or '' when it is not an http(s) URL.
 *
 * @param string $value What the administrator typed.
 * @return string
 */
function cookiegate_clean_server( $value ) {
	$value = trim( $value );
	if ( ! preg_match( '~^https?://[^/\s?#]+(/[^\s?#]*)?$~i', $value ) ) {
		return '';
	}
	return rtrim( $value, '/' );
}

/**
 * The site id as a site config writes it (lower-case letters, digits, - and _), or ''.
 *
 * @param string $value What the administrator typed.
 * @return string
 */
function cookiegate_clean_site( $value ) {
	$value = trim( $value );
	return preg_match( '/^[a-z0-9_-]{1,64}$/', $value ) ? $value : '';
}

/**
 * Sanitize callback of the server URL: a bad value is refused with a message, never stored.
 *
 * @param mixed $value Submitted value.
 * @return string
 */
function cookiegate_sanitize_server( $value ) {
	$clean = cookiegate_clean_server( (string) $value );
	if ( '' === $clean && '' !== trim( (string) $value ) ) {
		add_settings_error(
			'cookiegate_server_url',
			'cookiegate_server_url',
			__( 'The cookiegate server URL must start with https:// (or http:// for a local test), for example https://consent.example.com.', 'cookiegate' )
		);
		return (string) get_option( 'cookiegate_server_url', '' );
	}
	return $clean;
}

/**
 * Sanitize callback of the site id.
 *
 * @param mixed $value Submitted value.
 * @return string
 */
function cookiegate_sanitize_site( $value ) {
	$clean = cookiegate_clean_site( (string) $value );
	if ( '' === $clean && '' !== trim( (string) $value ) ) {
		add_settings_error(
			'cookiegate_site_id',
			'cookiegate_site_id',
			__( 'The site id is the id of your cookiegate site config: lower-case letters, digits, - and _.', 'cookiegate' )
		);
		return (string) get_option( 'cookiegate_site_id', '' );
	}
	return $clean;
}

/** Register both options (admin_init). */
function cookiegate_register_settings() {
	register_setting(
		'cookiegate',
		'cookiegate_server_url',
		array(
			'type'              => 'string',
			'sanitize_callback' => 'cookiegate_sanitize_server',
			'default'           => '',
		)
	);
	register_setting(
		'cookiegate',
		'cookiegate_site_id',
		array(
			'type'              => 'string',
			'sanitize_callback' => 'cookiegate_sanitize_site',
			'default'           => '',
		)
	);
}

/** Settings > cookiegate (admin_menu). */
function cookiegate_add_settings_page() {
	add_options_page( 'cookiegate', 'cookiegate', 'manage_options', 'cookiegate', 'cookiegate_render_settings' );
}

/** The settings form. */
function cookiegate_render_settings() {
	if ( ! current_user_can( 'manage_options' ) ) {
		return;
	}
	?>
	<div class="wrap">
		<h1>cookiegate</h1>
		<form method="post" action="options.php">
			<?php settings_fields( 'cookiegate' ); ?>
			<table class="form-table" role="presentation">
				<tr>
					<th scope="row"><label for="cookiegate_server_url"><?php esc_html_e( 'Server URL', 'cookiegate' ); ?></label></th>
					<td><input type="url" class="regular-text" id="cookiegate_server_url" name="cookiegate_server_url" value="<?php echo esc_attr( (string) get_option( 'cookiegate_server_url', '' ) ); ?>" placeholder="https://consent.example.com"></td>
				</tr>
				<tr>
					<th scope="row"><label for="cookiegate_site_id"><?php esc_html_e( 'Site id', 'cookiegate' ); ?></label></th>
					<td><input type="text" class="regular-text" id="cookiegate_site_id" name="cookiegate_site_id" value="<?php echo esc_attr( (string) get_option( 'cookiegate_site_id', '' ) ); ?>" pattern="[a-z0-9_-]+"></td>
				</tr>
			</table>
			<?php submit_button(); ?>
		</form>
	</div>
	<?php
}
